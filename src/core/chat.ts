import { ChatError } from './errors.js';
import type { ChatEvent } from './events.js';
import { Member, type Peer } from './member.js';
import { checkNick, checkRoomName, foldCase } from './names.js';
import { LocalNickRegistry, type NickRegistry } from './nick-registry.js';
import { Room } from './room.js';

export interface ChatOptions {
  serverName?: string;
  /** The room every user starts in, the tutorials' single room. */
  lobby?: string;
  nicks?: NickRegistry;
  maxMessageBytes?: number;
  maxTopicLength?: number;
  now?: () => number;
}

const MAX_REASON_LENGTH = 200;

/**
 * The chat domain: members, nicknames, rooms and who hears what. It never sees a socket or a
 * byte; it turns requests into events and hands each event, once, to the members concerned.
 * Requests that break a rule throw a ChatError, which the front door reports to its user.
 */
export class Chat {
  readonly serverName: string;
  readonly lobby: string;
  private readonly nickRegistry: NickRegistry;
  private readonly maxMessageBytes: number;
  private readonly maxTopicLength: number;
  private readonly now: () => number;
  private readonly connected = new Set<Member>();
  private readonly byNick = new Map<string, Member>();
  private readonly rooms = new Map<string, Room>();
  private nextMemberId = 1;

  constructor(options: ChatOptions = {}) {
    this.serverName = options.serverName ?? 'chatroom';
    this.lobby = options.lobby ?? '#lobby';
    this.nickRegistry = options.nicks ?? new LocalNickRegistry();
    this.maxMessageBytes = options.maxMessageBytes ?? 8192;
    this.maxTopicLength = options.maxTopicLength ?? 390;
    this.now = options.now ?? Date.now;
  }

  get memberCount(): number {
    return this.connected.size;
  }

  attach(peer: Peer): Member {
    const member = new Member(this.nextMemberId++, peer);
    this.connected.add(member);
    return member;
  }

  async register(member: Member, nick: string): Promise<void> {
    if (member.registered) throw new ChatError('BAD_ARGUMENTS', 'You already have a nickname.');
    const invalid = checkNick(nick);
    if (invalid) throw invalid;
    const key = foldCase(nick);
    if (!(await this.nickRegistry.claim(key, this.ownerId(member)))) {
      throw new ChatError('NICK_TAKEN', `The nickname "${nick}" is already taken.`);
    }
    if (member.gone) {
      await this.nickRegistry.release(key, this.ownerId(member));
      return;
    }
    member.setNick(nick);
    this.byNick.set(key, member);
    member.send({ type: 'welcome', nick, serverName: this.serverName });
    this.join(member, this.lobby);
  }

  async changeNick(member: Member, nick: string): Promise<void> {
    const oldNick = this.requireNick(member);
    const invalid = checkNick(nick);
    if (invalid) throw invalid;
    if (nick === oldNick) return;
    const key = foldCase(nick);
    const oldKey = member.nickKey!;
    if (key !== oldKey && !(await this.nickRegistry.claim(key, this.ownerId(member)))) {
      throw new ChatError('NICK_TAKEN', `The nickname "${nick}" is already taken.`);
    }
    if (member.gone) {
      if (key !== oldKey) await this.nickRegistry.release(key, this.ownerId(member));
      return;
    }
    // The member may have changed nick again while we waited for the registry.
    const current = member.nickKey!;
    this.byNick.delete(current);
    member.setNick(nick);
    this.byNick.set(key, member);
    if (current !== key) await this.nickRegistry.release(current, this.ownerId(member));
    const audience = this.audienceOf(member);
    audience.add(member);
    this.broadcast({ type: 'nick', oldNick, newNick: nick }, audience);
  }

  join(member: Member, roomName: string): void {
    const nick = this.requireNick(member);
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const key = foldCase(roomName);
    let room = this.rooms.get(key);
    if (room?.members.has(member)) {
      this.switchCurrentRoom(member, room);
      return;
    }
    if (!room) {
      room = new Room(roomName, key, nick, this.now());
      this.rooms.set(key, room);
    }
    room.members.add(member);
    member.rooms.add(key);
    this.broadcast({ type: 'join', room: room.name, nick }, room.members);
    if (room.topic) {
      member.send({ type: 'topic-is', room: room.name, topic: room.topic, setBy: room.topicSetBy });
    }
    member.send({ type: 'members', room: room.name, nicks: room.nicks() });
    this.switchCurrentRoom(member, room);
  }

  part(member: Member, roomName: string | undefined, reason = ''): void {
    const nick = this.requireNick(member);
    const room = this.memberRoom(member, roomName);
    this.broadcast(
      { type: 'part', room: room.name, nick, reason: cleanReason(reason) },
      room.members,
    );
    this.removeFromRoom(member, room);
    if (member.currentRoomKey === room.key) {
      const next = this.firstRoomOf(member);
      member.setCurrentRoom(next?.name);
      member.send({ type: 'current-room', room: next?.name });
    }
  }

  say(member: Member, text: string, options: { action?: boolean; room?: string } = {}): void {
    const from = this.requireNick(member);
    this.checkText(text);
    const room = this.memberRoom(member, options.room);
    const event: ChatEvent = {
      type: 'message',
      room: room.name,
      from,
      text,
      action: options.action ?? false,
      time: this.now(),
    };
    this.broadcast(event, room.members, member);
  }

  privateMessage(member: Member, target: string, text: string, action = false): void {
    const from = this.requireNick(member);
    this.checkText(text);
    const recipient = this.byNick.get(foldCase(target));
    if (!recipient?.nick) throw new ChatError('NO_SUCH_NICK', `Nobody is called "${target}".`);
    const event: ChatEvent = {
      type: 'private',
      from,
      to: recipient.nick,
      text,
      action,
      time: this.now(),
    };
    // The sender gets a copy too, so every door can show what was sent and to whom.
    this.broadcast(event, recipient === member ? [member] : [recipient, member]);
  }

  setTopic(member: Member, roomName: string | undefined, topic: string): void {
    const nick = this.requireNick(member);
    const room = this.memberRoom(member, roomName);
    this.checkText(topic, true);
    if (topic.length > this.maxTopicLength) {
      throw new ChatError(
        'TOPIC_TOO_LONG',
        `Topics are at most ${this.maxTopicLength} characters.`,
      );
    }
    room.topic = topic;
    room.topicSetBy = nick;
    room.topicSetAt = this.now();
    this.broadcast({ type: 'topic', room: room.name, nick, topic }, room.members);
  }

  showTopic(member: Member, roomName: string | undefined): void {
    const room = roomName === undefined ? this.memberRoom(member, undefined) : this.room(roomName);
    member.send({ type: 'topic-is', room: room.name, topic: room.topic, setBy: room.topicSetBy });
  }

  listRooms(member: Member): void {
    const rooms = [...this.rooms.values()]
      .map((room) => ({ name: room.name, members: room.members.size, topic: room.topic }))
      .sort((a, b) => a.name.localeCompare(b.name));
    member.send({ type: 'room-list', rooms });
  }

  listMembers(member: Member, roomName: string | undefined): void {
    const room = roomName === undefined ? this.memberRoom(member, undefined) : this.room(roomName);
    member.send({ type: 'members', room: room.name, nicks: room.nicks() });
  }

  /** The user asked to leave: the rooms hear the reason, then the connection is closed. */
  quit(member: Member, reason: string): void {
    this.detach(member, reason || 'Quit');
    member.peer.disconnect(reason || 'Quit');
  }

  /** The connection is gone, for whatever reason. Safe to call more than once. */
  detach(member: Member, reason: string): void {
    if (member.gone) return;
    member.gone = true;
    this.connected.delete(member);
    const nick = member.nick;
    if (nick === undefined) return;
    const audience = this.audienceOf(member);
    audience.delete(member);
    for (const key of [...member.rooms]) {
      const room = this.rooms.get(key);
      if (room) this.removeFromRoom(member, room);
    }
    this.broadcast({ type: 'quit', nick, reason: cleanReason(reason) }, audience);
    this.byNick.delete(member.nickKey!);
    void this.nickRegistry.release(member.nickKey!, this.ownerId(member));
  }

  /** Tells everyone connected, registered or not (used for shutdown). */
  announce(text: string): void {
    this.broadcast({ type: 'notice', text }, this.connected);
  }

  private broadcast(event: ChatEvent, recipients: Iterable<Member>, except?: Member): void {
    const memo = new Map<unknown, unknown>();
    for (const recipient of recipients) {
      if (recipient !== except && !recipient.gone) recipient.peer.deliver(event, recipient, memo);
    }
  }

  private audienceOf(member: Member): Set<Member> {
    const audience = new Set<Member>();
    for (const key of member.rooms) {
      const room = this.rooms.get(key);
      if (room) for (const other of room.members) audience.add(other);
    }
    return audience;
  }

  private removeFromRoom(member: Member, room: Room): void {
    room.members.delete(member);
    member.rooms.delete(room.key);
    // Rooms live only while someone is in them (persistent rooms come with the history store).
    if (room.members.size === 0) this.rooms.delete(room.key);
  }

  private switchCurrentRoom(member: Member, room: Room): void {
    if (member.currentRoomKey === room.key) return;
    member.setCurrentRoom(room.name);
    member.send({ type: 'current-room', room: room.name });
  }

  private firstRoomOf(member: Member): Room | undefined {
    for (const key of member.rooms) return this.rooms.get(key);
    return undefined;
  }

  private room(roomName: string): Room {
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const room = this.rooms.get(foldCase(roomName));
    if (!room) throw new ChatError('NO_SUCH_ROOM', `There is no room called ${roomName}.`);
    return room;
  }

  /** The named room, or the member's current one, which the member must belong to. */
  private memberRoom(member: Member, roomName: string | undefined): Room {
    const key = roomName === undefined ? member.currentRoomKey : foldCase(roomName);
    if (key === undefined) {
      throw new ChatError('NO_CURRENT_ROOM', 'You are not in any room: /join #room first.');
    }
    const room = this.rooms.get(key);
    if (!room?.members.has(member)) {
      throw new ChatError('NOT_IN_ROOM', `You are not in ${roomName ?? key}.`);
    }
    return room;
  }

  private requireNick(member: Member): string {
    if (member.nick === undefined) throw new ChatError('NICK_REQUIRED');
    return member.nick;
  }

  private checkText(text: string, allowEmpty = false): void {
    if (!allowEmpty && text.trim() === '') {
      throw new ChatError('BAD_ARGUMENTS', 'There is nothing to send.');
    }
    if (/[\0\r\n]/.test(text)) {
      throw new ChatError('TEXT_INVALID', 'Text cannot contain NUL, CR or LF characters.');
    }
    if (Buffer.byteLength(text) > this.maxMessageBytes) {
      throw new ChatError('TEXT_TOO_LONG', `Messages are at most ${this.maxMessageBytes} bytes.`);
    }
  }

  private ownerId(member: Member): string {
    return String(member.id);
  }
}

function cleanReason(reason: string): string {
  const clean = reason.replace(/[\0\r\n]/g, ' ').trim();
  return clean.length > MAX_REASON_LENGTH ? clean.slice(0, MAX_REASON_LENGTH) : clean;
}

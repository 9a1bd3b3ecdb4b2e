import { DEFAULTS } from '../config/defaults.js';
import { type CrowdNoticeOptions, CrowdNotices } from './crowd-notices.js';
import { ChatError } from './errors.js';
import type { ChatEvent, HistoryEntry } from './events.js';
import { GroupCommitter, StoreBusyError, type WriteOutcome } from './group-commit.js';
import {
  conversationKey,
  type HistoryStore,
  REF_WINDOW_MS,
  type RoomRecord,
  type StoredMessage,
} from './history.js';
import { Member, type Peer } from './member.js';
import { checkNick, checkRoomName, foldCase } from './names.js';
import { LocalNickRegistry, type NickRegistry } from './nick-registry.js';
import { Room } from './room.js';
import { RoomExpiry } from './room-expiry.js';
import { DEFAULT_ROOM_LIMITS, type RoomLimitOptions, RoomLimits } from './room-limits.js';
import { MAX_ROOM_PAGE, type RoomPage, roomPage } from './room-list.js';

export interface ChatOptions {
  history: HistoryStore;
  serverName?: string;
  /** The room every user starts in, the tutorials' single room. */
  lobby?: string;
  nicks?: NickRegistry;
  /** Messages shown to whoever joins a room. */
  historyOnJoin?: number;
  maxMessageBytes?: number;
  maxTopicLength?: number;
  /** Messages that may wait to be stored before senders are refused. */
  maxPendingWrites?: number;
  now?: () => number;
  /**
   * Told when a front door failed to take an event (a bug there, not bad input). That member
   * is disconnected, since it has missed the event; everyone else still gets it.
   */
  onDeliveryError?: (error: unknown, member: Member) => void;
  // ---- rooms and nicknames limits (src/core/room-limits.ts, room-expiry.ts) ----
  /** Room creation and nickname change rates, and the most rooms; defaults if absent. */
  roomLimits?: RoomLimitOptions;
  /** How long a room without members or messages lasts; 0 (the default) keeps it for ever. */
  roomExpiryMs?: number;
  /** When big rooms summarize their joins and parts (src/core/crowd-notices.ts). */
  crowdNotices?: CrowdNoticeOptions;
}

const MAX_REASON_LENGTH = 200;
/** Away messages are cut to this many characters. */
export const MAX_AWAY_LENGTH = 200;
/** The most messages one history, search or resume request returns. */
export const MAX_HISTORY_PAGE = 500;
/** Members named to whoever joins a room; the rest are counted. */
const MEMBERS_SHOWN_ON_JOIN = 50;
/** Live events held for one member while its replay is read; past this it is dropped. */
const MAX_HELD_EVENTS = 10_000;

/**
 * The chat domain: members, nicknames, rooms and who hears what. It never sees a socket or a
 * byte; it turns requests into events and hands each event, once, to the members concerned.
 * Every message is stored before anyone receives it. Requests that break a rule throw a
 * ChatError, which the front door reports to its user.
 */
export class Chat {
  readonly serverName: string;
  readonly lobby: string;
  readonly historyOnJoin: number;
  private readonly history: HistoryStore;
  private readonly writer: GroupCommitter;
  private readonly nickRegistry: NickRegistry;
  private readonly maxMessageBytes: number;
  readonly maxTopicLength: number;
  private readonly now: () => number;
  private readonly onDeliveryError: ChatOptions['onDeliveryError'];
  private readonly connected = new Set<Member>();
  private readonly byNick = new Map<string, Member>();
  private readonly rooms = new Map<string, Room>();
  private nextMemberId = 1;
  private readonly limits: RoomLimits;
  private readonly expiry: RoomExpiry;
  private readonly crowd: CrowdNotices;

  constructor(options: ChatOptions) {
    this.history = options.history;
    this.writer = new GroupCommitter(options.history, options.maxPendingWrites);
    this.serverName = options.serverName ?? 'chatroom';
    this.lobby = options.lobby ?? '#lobby';
    this.nickRegistry = options.nicks ?? new LocalNickRegistry();
    this.historyOnJoin = options.historyOnJoin ?? DEFAULTS.historyOnJoin;
    // The server passes --max-line-bytes: a message is at most a line.
    this.maxMessageBytes = options.maxMessageBytes ?? DEFAULTS.maxLineBytes;
    this.maxTopicLength = options.maxTopicLength ?? 390;
    this.now = options.now ?? Date.now;
    this.onDeliveryError = options.onDeliveryError;
    this.limits = new RoomLimits(options.roomLimits ?? DEFAULT_ROOM_LIMITS, this.now);
    this.expiry = new RoomExpiry(
      this.rooms,
      options.history,
      foldCase(this.lobby),
      options.roomExpiryMs ?? 0,
      this.now,
    );
    // Here rather than in crowd-notices.ts, which the web client imports: it stays free of
    // the server's configuration (and of node:os, which the table uses for the host name).
    const crowdNotices = options.crowdNotices ?? {
      above: DEFAULTS.rooms.summarizeJoinsAbove,
      intervalMs: DEFAULTS.rooms.summaryMs,
    };
    this.crowd = new CrowdNotices(crowdNotices, (key, event) => {
      const room = this.rooms.get(key);
      if (room) this.broadcast(event, room.members);
    });
  }

  get memberCount(): number {
    return this.connected.size;
  }

  /** How the last write of messages to the store went; undefined before the first. */
  get lastWrite(): WriteOutcome | undefined {
    return this.writer.lastWrite;
  }

  /** Brings back the rooms (topics, creators) and their latest messages from the store. */
  async restore(): Promise<void> {
    for (const record of await this.history.loadRooms()) {
      const room = this.roomFromRecord(record);
      const latest = await this.history.latest(room.key, Math.max(this.historyOnJoin, 1));
      for (const message of latest) room.remember(message, this.historyOnJoin);
      this.rooms.set(room.key, room);
    }
  }

  /** Resolves once every message accepted so far has been stored (or has failed to be). */
  flush(): Promise<void> {
    return this.writer.drain();
  }

  attach(peer: Peer): Member {
    const member = new Member(this.nextMemberId++, peer);
    this.connected.add(member);
    return member;
  }

  /**
   * Gives a member its nickname. Text doors' users start in the lobby; doors whose clients
   * choose their own rooms (IRC) pass joinLobby: false. `replay: false` skips the lobby's join
   * replay, for a client that is about to resume the lobby from the last message it saw.
   */
  async register(
    member: Member,
    nick: string,
    options: { joinLobby?: boolean; replay?: boolean } = {},
  ): Promise<void> {
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
    member.registeredAt = this.now();
    this.byNick.set(key, member);
    member.send({ type: 'welcome', nick, serverName: this.serverName });
    if (options.joinLobby ?? true) await this.join(member, this.lobby, { replay: options.replay });
  }

  async changeNick(member: Member, nick: string): Promise<void> {
    const oldNick = this.requireNick(member);
    const invalid = checkNick(nick);
    if (invalid) throw invalid;
    if (nick === oldNick) return;
    // Counted before the registry is asked: every attempt costs it, taken or not.
    this.limits.takeNickChange(member);
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
    if (key !== current) member.registeredAt = this.now();
    this.byNick.set(key, member);
    if (current !== key) await this.nickRegistry.release(current, this.ownerId(member));
    const audience = this.audienceOf(member);
    audience.add(member);
    this.broadcast({ type: 'nick', oldNick, newNick: nick }, audience);
  }

  /**
   * Joins a room, creating it if new, and shows the joiner its latest messages. The replay
   * comes from memory in the same turn as the join, so nothing falls between it and the live
   * stream, and nothing is in both. allMembers: name every member, not just the first few
   * (IRC clients build their member list from the names sent on joining).
   */
  async join(
    member: Member,
    roomName: string,
    options: { replay?: boolean; allMembers?: boolean } = {},
  ): Promise<Room> {
    const nick = this.requireNick(member);
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const key = foldCase(roomName);
    let room = this.rooms.get(key);
    if (room?.members.has(member)) {
      // Already there: say where we are talking now even if that did not change.
      member.setCurrentRoom(room.name);
      member.send({ type: 'current-room', room: room.name });
      return room;
    }
    if (!room) room = await this.createRoom(roomName, nick, member);
    if (member.gone || room.members.has(member)) return room;
    room.members.add(member);
    room.emptySince = undefined;
    member.rooms.add(key);
    if (this.crowd.isCrowded(room.members.size)) {
      this.crowd.joined(room.key, room.name, nick);
      this.broadcast({ type: 'join', room: room.name, nick, crowd: true }, room.members);
    } else this.broadcast({ type: 'join', room: room.name, nick }, room.members);
    if (room.topic) member.send(topicIs(room));
    // Only the first few on joining: in a room of thousands the full list costs every joiner
    // (and the server) a lot and tells a person nothing; /who gives it on demand.
    member.send({
      type: 'members',
      room: room.name,
      nicks: room.nicks(options.allMembers ? undefined : MEMBERS_SHOWN_ON_JOIN),
      total: room.members.size,
    });
    if ((options.replay ?? true) && room.recent.length > 0) {
      member.send(historyEvent(room.name, false, 'join', room.recent, undefined, false));
    }
    this.switchCurrentRoom(member, room);
    return room;
  }

  part(member: Member, roomName: string | undefined, reason = ''): void {
    const nick = this.requireNick(member);
    const room = this.memberRoom(member, roomName);
    const crowded = this.crowd.isCrowded(room.members.size);
    if (crowded) this.crowd.left(room.key, room.name, nick);
    this.broadcast(
      {
        type: 'part',
        room: room.name,
        nick,
        reason: cleanReason(reason),
        ...(crowded ? { crowd: true as const } : {}),
      },
      room.members,
    );
    this.removeFromRoom(member, room);
    if (member.currentRoomKey === room.key) {
      const next = this.firstRoomOf(member);
      member.setCurrentRoom(next?.name);
      member.send({ type: 'current-room', room: next?.name });
    }
  }

  async say(
    member: Member,
    text: string,
    options: { action?: boolean; room?: string; ref?: string } = {},
  ): Promise<StoredMessage> {
    const from = this.requireNick(member);
    this.checkText(text);
    let room: Room;
    try {
      room = this.memberRoom(member, options.room);
    } catch (error) {
      return this.sentBefore(error, from, options.ref);
    }
    const action = options.action ?? false;
    const stored = await this.store({
      target: room.key,
      sender: from,
      text,
      action,
      time: this.now(),
      ...(options.ref === undefined ? {} : { ref: options.ref }),
    });
    // A retry of a send already stored (and relayed then): the sender is only told its id.
    if (stored.repeat) return stored;
    room.remember(stored, this.historyOnJoin);
    member.send({
      type: 'sent',
      target: room.name,
      id: stored.id,
      from,
      text,
      action,
      time: stored.time,
    });
    this.broadcast(
      { type: 'message', id: stored.id, room: room.name, from, text, action, time: stored.time },
      room.members,
      member,
      room.key,
    );
    return stored;
  }

  async privateMessage(
    member: Member,
    target: string,
    text: string,
    action = false,
    ref?: string,
  ): Promise<StoredMessage> {
    const from = this.requireNick(member);
    this.checkText(text);
    const recipient = this.byNick.get(foldCase(target));
    try {
      if (!recipient?.nick) throw new ChatError('NO_SUCH_NICK', `Nobody is called "${target}".`);
    } catch (error) {
      return this.sentBefore(error, from, ref);
    }
    const to = recipient.nick;
    const stored = await this.store({
      target: conversationKey(member.nickKey!, recipient.nickKey!),
      sender: from,
      text,
      action,
      time: this.now(),
      ...(ref === undefined ? {} : { ref }),
    });
    if (stored.repeat) return stored;
    const event: ChatEvent = {
      type: 'private',
      id: stored.id,
      from,
      to,
      text,
      action,
      time: stored.time,
    };
    // The sender gets a copy too, so every door can show what was sent and to whom.
    this.broadcast(event, recipient === member ? [member] : [recipient, member]);
    return stored;
  }

  async setTopic(member: Member, roomName: string | undefined, topic: string): Promise<void> {
    const nick = this.requireNick(member);
    const room = this.memberRoom(member, roomName);
    this.checkText(topic, true);
    if (topic.length > this.maxTopicLength) {
      throw new ChatError(
        'TOPIC_TOO_LONG',
        `Topics are at most ${this.maxTopicLength} characters.`,
      );
    }
    const setAt = this.now();
    await this.saveRoom({ ...recordOf(room), topic, topicSetBy: nick, topicSetAt: setAt });
    room.topic = topic;
    room.topicSetBy = nick;
    room.topicSetAt = setAt;
    this.broadcast({ type: 'topic', room: room.name, nick, topic }, room.members);
  }

  showTopic(member: Member, roomName: string | undefined): void {
    const room = roomName === undefined ? this.memberRoom(member, undefined) : this.room(roomName);
    member.send(topicIs(room));
  }

  /**
   * Marks a member away (with a message) or back (undefined); everyone sharing a room with
   * them hears of it. Saying the same thing twice tells nobody anything.
   */
  setAway(member: Member, message: string | undefined): void {
    const nick = this.requireNick(member);
    const clean = message === undefined ? undefined : cleanReason(message, MAX_AWAY_LENGTH);
    const away = clean === '' ? undefined : clean;
    if (away === member.away) return;
    member.away = away;
    const audience = this.audienceOf(member);
    audience.delete(member);
    this.broadcast({ type: 'away', nick, message: away }, audience);
  }

  /** The connected member with this nickname, if any (for doors that describe users). */
  findMember(nick: string): Member | undefined {
    return this.byNick.get(foldCase(nick));
  }

  /** The room with this name, if it exists (for doors that describe rooms). */
  findRoom(name: string): Room | undefined {
    return this.rooms.get(foldCase(name));
  }

  /** Every room, in no particular order. */
  allRooms(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get roomCount(): number {
    return this.rooms.size;
  }

  /** Registered members. */
  get userCount(): number {
    return this.byNick.size;
  }

  /** One page of the rooms, sorted by name, as a single `room-list` event. */
  listRooms(member: Member, offset = 0, limit = MAX_ROOM_PAGE): void {
    member.send({ type: 'room-list', ...this.roomPage(offset, limit) });
  }

  /** Up to `limit` rooms (at most MAX_ROOM_PAGE) from `offset` on, sorted by name. */
  roomPage(offset: number, limit: number): RoomPage {
    return roomPage(this.rooms.values(), offset, limit);
  }

  /** Removes the rooms that have been empty, without messages, for the expiry time. */
  expireRooms(): Promise<number> {
    return this.expiry.sweep();
  }

  get roomExpiryMs(): number {
    return this.expiry.expiryMs;
  }

  listMembers(member: Member, roomName: string | undefined): void {
    const room = roomName === undefined ? this.memberRoom(member, undefined) : this.room(roomName);
    member.send({
      type: 'members',
      room: room.name,
      nicks: room.nicks(),
      total: room.members.size,
    });
  }

  /**
   * Reads back a room's messages (or a private conversation's, when `target` is a
   * nickname): the latest `limit`, the `limit` before an id, or the `limit` after one.
   */
  async showHistory(
    member: Member,
    target: string | undefined,
    options: { before?: number; after?: number; limit: number },
  ): Promise<void> {
    const page = await this.readHistory(member, target, options);
    member.send(
      historyEvent(page.target, page.isPrivate, 'request', page.messages, undefined, page.more),
    );
  }

  /**
   * A page of a room's messages (or a private conversation's), oldest first: the latest
   * `limit`; or the `limit` just before `before`; or the first `limit` after `after`; or, with
   * both, the first `limit` strictly between them. `more` says the page was cut short.
   */
  async readHistory(
    member: Member,
    target: string | undefined,
    query: { before?: number; after?: number; limit: number },
  ): Promise<HistoryPage> {
    const { key, name, isPrivate } = this.historyTarget(member, target);
    const limit = clampPage(query.limit);
    const { before, after } = query;
    let page: StoredMessage[];
    let newestFirst = true;
    if (after !== undefined) {
      newestFirst = false;
      page = await this.read(() => this.history.after(key, after, limit + 1));
      if (before !== undefined) page = page.filter((message) => message.id < before);
    } else if (before !== undefined) {
      page = await this.read(() => this.history.before(key, before, limit + 1));
    } else {
      page = await this.read(() => this.history.latest(key, limit + 1));
    }
    // Nicknames are not accounts (yet): whoever holds "bob" now may not be who talked as bob
    // yesterday, so a private conversation shows only what was said since this connection
    // took its nickname.
    if (isPrivate) page = page.filter((message) => message.time >= member.registeredAt);
    const more = page.length > limit;
    // The extra message read to learn whether there is more is the one furthest from the anchor.
    if (more) page = newestFirst ? page.slice(1) : page.slice(0, limit);
    return { target: name, isPrivate, messages: page, more };
  }

  /**
   * The id of the first message of a room (or conversation) said at or after `time`, or one
   * past the last message if none was. The store is indexed by id, and ids follow time, so
   * this is a binary search of single-message reads: about log2(messages) of them.
   */
  async idAtTime(member: Member, target: string | undefined, time: number): Promise<number> {
    const { key } = this.historyTarget(member, target);
    const first = await this.read(() => this.history.firstId(key));
    if (first === undefined) return 1;
    const last = (await this.read(() => this.history.latest(key, 1)))[0]?.id ?? first;
    let low = first;
    let high = last + 1;
    while (low < high) {
      const middle = Math.floor((low + high) / 2);
      // The first message kept at or after `middle` (retention may have left gaps).
      const [probe] = await this.read(() => this.history.after(key, middle - 1, 1));
      if (probe === undefined || probe.id >= high || probe.time >= time) high = middle;
      else low = probe.id + 1;
    }
    return low;
  }

  async search(member: Member, roomName: string | undefined, query: string): Promise<void> {
    const room = this.memberRoom(member, roomName);
    const found = await this.read(() => this.history.search(room.key, query, 20));
    member.send(historyEvent(room.name, false, 'search', found.reverse(), undefined, false));
  }

  /**
   * Everything in a room after `afterId`, once and in order, then the live stream: for a
   * client coming back after losing its connection. Joins the room (without the usual
   * replay) if needed. Live messages that arrive while the store is read are held back and
   * delivered after the replay.
   */
  async resume(member: Member, roomName: string, afterId: number): Promise<void> {
    this.requireNick(member);
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const joined = this.rooms.get(foldCase(roomName))?.members.has(member);
    const room = joined
      ? this.rooms.get(foldCase(roomName))!
      : await this.join(member, roomName, { replay: false });
    // Everything up to here has been broadcast, so is in the store; later ones come live.
    const upTo = room.lastId;
    if (afterId >= upTo || member.gone) {
      member.send(historyEvent(room.name, false, 'resume', [], undefined, false));
      return;
    }
    member.held ??= new Map();
    member.held.set(room.key, []);
    try {
      const page = (
        await this.read(() => this.history.after(room.key, afterId, MAX_HISTORY_PAGE + 1))
      ).filter((message) => message.id <= upTo);
      const more = page.length > MAX_HISTORY_PAGE;
      const messages = more ? page.slice(0, MAX_HISTORY_PAGE) : page;
      const firstKept = messages[0]?.id ?? upTo + 1;
      const gap = firstKept > afterId + 1 ? { from: afterId + 1, to: firstKept - 1 } : undefined;
      member.send(historyEvent(room.name, false, 'resume', messages, gap, more));
    } finally {
      const held = member.held?.get(room.key) ?? [];
      member.held?.delete(room.key);
      if (member.held?.size === 0) member.held = undefined;
      for (const event of held) member.send(event);
    }
  }

  /** The user asked to leave: the rooms hear the reason, then the connection is closed. */
  quit(member: Member, reason: string): void {
    this.detach(member, reason || 'Quit');
    // The reason is the user's own words: the rooms hear it, the server's log does not.
    member.peer.disconnect('Quit');
  }

  /** The connection is gone, for whatever reason. Safe to call more than once. */
  detach(member: Member, reason: string): void {
    if (member.gone) return;
    member.gone = true;
    this.connected.delete(member);
    const nick = member.nick;
    if (nick === undefined) return;
    const { audience, crowdOnly } = this.quitAudiences(member, nick);
    for (const key of [...member.rooms]) {
      const room = this.rooms.get(key);
      if (room) this.removeFromRoom(member, room);
    }
    const quit = { type: 'quit', nick, reason: cleanReason(reason) } as const;
    this.broadcast(quit, audience);
    if (crowdOnly.size > 0) this.broadcast({ ...quit, crowd: true }, crowdOnly);
    this.byNick.delete(member.nickKey!);
    void this.nickRegistry.release(member.nickKey!, this.ownerId(member));
  }

  /** Tells everyone connected, registered or not (used for shutdown). */
  announce(text: string): void {
    this.broadcast({ type: 'notice', text }, this.connected);
  }

  /**
   * The one place events fan out. `roomKey` marks events of a room, which a member replaying
   * that room gets after its replay instead of now.
   */
  private broadcast(
    event: ChatEvent,
    recipients: Iterable<Member>,
    except?: Member,
    roomKey?: string,
  ): void {
    const memo = new Map<unknown, unknown>();
    for (const recipient of recipients) {
      if (recipient === except || recipient.gone) continue;
      const held = roomKey === undefined ? undefined : recipient.held?.get(roomKey);
      if (held) {
        if (held.length >= MAX_HELD_EVENTS) recipient.peer.disconnect('Too far behind');
        else held.push(event);
        continue;
      }
      try {
        recipient.peer.deliver(event, recipient, memo);
      } catch (error) {
        this.onDeliveryError?.(error, recipient);
        recipient.peer.disconnect('Internal error');
      }
    }
  }

  /**
   * A send that cannot go now (its room was left, its recipient is gone) may be the retry of
   * one stored before, say before a restart: then the sender is told that one's id, as for any
   * retry, instead of an error about the present. Otherwise the error stands.
   */
  private async sentBefore(
    error: unknown,
    from: string,
    ref: string | undefined,
  ): Promise<StoredMessage> {
    if (ref === undefined || !(error instanceof ChatError)) throw error;
    const earlier = await this.read(() =>
      this.history.findSent(from, ref, this.now() - REF_WINDOW_MS),
    );
    if (!earlier) throw error;
    return { ...earlier, repeat: true };
  }

  private async store(message: Parameters<GroupCommitter['append']>[0]): Promise<StoredMessage> {
    try {
      return await this.writer.append(message);
    } catch (error) {
      throw new ChatError(
        'STORE_FAILED',
        error instanceof StoreBusyError
          ? 'Too many messages are waiting to be stored; yours was not sent. Try again shortly.'
          : 'Your message could not be stored, so nobody received it. Try again shortly.',
        { cause: error },
      );
    }
  }

  private async read<T>(query: () => Promise<T>): Promise<T> {
    try {
      return await query();
    } catch (error) {
      throw new ChatError('STORE_FAILED', 'History is unavailable right now. Try again shortly.', {
        cause: error,
      });
    }
  }

  private async saveRoom(record: RoomRecord): Promise<void> {
    try {
      await this.history.saveRoom(record);
    } catch (error) {
      throw new ChatError('STORE_FAILED', 'The room could not be saved. Try again shortly.', {
        cause: error,
      });
    }
  }

  private async createRoom(name: string, creator: string, member: Member): Promise<Room> {
    const key = foldCase(name);
    // The lobby is where everyone starts: it is never refused.
    const created =
      key === foldCase(this.lobby) ? undefined : this.limits.beginCreate(member, this.rooms.size);
    try {
      // An expired room of this name may still be being deleted from the store.
      await this.expiry.settled(key);
      const room = new Room(name, key, creator, this.now());
      await this.saveRoom(recordOf(room));
      // Someone else may have created it while we were saving: theirs wins.
      const existing = this.rooms.get(room.key);
      if (existing) return existing;
      this.rooms.set(room.key, room);
      return room;
    } finally {
      created?.();
    }
  }

  private roomFromRecord(record: RoomRecord): Room {
    const room = new Room(record.name, record.key, record.createdBy, record.createdAt);
    room.topic = record.topic;
    room.topicSetBy = record.topicSetBy;
    room.topicSetAt = record.topicSetAt;
    return room;
  }

  private historyTarget(
    member: Member,
    target: string | undefined,
  ): { key: string; name: string; isPrivate: boolean } {
    if (target === undefined || target.startsWith('#')) {
      const room = this.memberRoom(member, target);
      return { key: room.key, name: room.name, isPrivate: false };
    }
    this.requireNick(member);
    const invalid = checkNick(target);
    if (invalid) throw invalid;
    const other = this.byNick.get(foldCase(target))?.nick ?? target;
    return {
      key: conversationKey(member.nickKey!, foldCase(target)),
      name: other,
      isPrivate: true,
    };
  }

  private audienceOf(member: Member): Set<Member> {
    const audience = new Set<Member>();
    for (const key of member.rooms) {
      const room = this.rooms.get(key);
      if (room) for (const other of room.members) audience.add(other);
    }
    return audience;
  }

  /**
   * Who hears of a member leaving the chat: `crowdOnly`, those who share only big rooms with
   * it, hear of it in those rooms' summaries (the quit marked `crowd`), everyone else at once.
   */
  private quitAudiences(member: Member, nick: string) {
    const audience = new Set<Member>();
    const crowdOnly = new Set<Member>();
    for (const key of member.rooms) {
      const room = this.rooms.get(key);
      if (!room) continue;
      const crowded = this.crowd.isCrowded(room.members.size);
      if (crowded) this.crowd.left(room.key, room.name, nick);
      for (const other of room.members) (crowded ? crowdOnly : audience).add(other);
    }
    for (const other of audience) crowdOnly.delete(other);
    audience.delete(member);
    crowdOnly.delete(member);
    return { audience, crowdOnly };
  }

  private removeFromRoom(member: Member, room: Room): void {
    room.members.delete(member);
    if (room.members.size === 0) room.emptySince = this.now();
    member.rooms.delete(room.key);
    member.held?.delete(room.key);
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

export interface HistoryPage {
  /** The room's name, or for a private conversation the other person's nickname. */
  target: string;
  isPrivate: boolean;
  messages: readonly StoredMessage[];
  more: boolean;
}

function topicIs(room: Room): ChatEvent {
  return {
    type: 'topic-is',
    room: room.name,
    topic: room.topic,
    setBy: room.topicSetBy,
    setAt: room.topicSetAt,
  };
}

function historyEvent(
  target: string,
  isPrivate: boolean,
  reason: 'join' | 'request' | 'resume' | 'search',
  messages: readonly StoredMessage[],
  gap: { from: number; to: number } | undefined,
  more: boolean,
): ChatEvent {
  const entries: HistoryEntry[] = messages.map((message) => ({
    id: message.id,
    from: message.sender,
    text: message.text,
    action: message.action,
    time: message.time,
  }));
  return { type: 'history', target, private: isPrivate, reason, messages: entries, gap, more };
}

function recordOf(room: Room): RoomRecord {
  return {
    key: room.key,
    name: room.name,
    topic: room.topic,
    topicSetBy: room.topicSetBy,
    topicSetAt: room.topicSetAt,
    createdBy: room.createdBy,
    createdAt: room.createdAt,
  };
}

function clampPage(limit: number): number {
  return Math.max(1, Math.min(MAX_HISTORY_PAGE, Math.floor(limit)));
}

function cleanReason(reason: string, maxLength = MAX_REASON_LENGTH): string {
  const clean = reason.replace(/[\0\r\n]/g, ' ').trim();
  return clean.length > maxLength ? clean.slice(0, maxLength) : clean;
}

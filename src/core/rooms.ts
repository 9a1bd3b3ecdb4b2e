import { type CrowdNoticeOptions, CrowdNotices } from './crowd-notices.js';
import { ChatError } from './errors.js';
import { type ChatEvent, historyEvent } from './events.js';
import type { Fanout } from './fanout.js';
import type { HistoryStore, RoomRecord } from './history.js';
import type { Member } from './member.js';
import { isListedFor } from './moderation/enforcement.js';
import type { RoomGate } from './moderation/gate.js';
import { checkRoomName, foldCase } from './names.js';
import { requireNick } from './presence.js';
import { membersEvent, Room, recordOf, roomFromRecord, topicIs } from './room.js';
import { RoomExpiry } from './room-expiry.js';
import type { RoomLimits } from './room-limits.js';
import { listedFor, MAX_ROOM_PAGE, type RoomPage, roomPage } from './room-list.js';
import type { Roster } from './roster.js';
import { cleanReason } from './rules.js';
import { createRoomOrFail } from './store-access.js';
import { changeTopic } from './topic.js';

/** Members named to whoever joins a room; the rest are counted. */
const MEMBERS_SHOWN_ON_JOIN = 50;

export type { RoomGate };

type JoinOrPart = Extract<ChatEvent, { type: 'join' | 'part' }>;

export interface RoomsOptions {
  history: HistoryStore;
  fanout: Fanout;
  lobby: string;
  historyOnJoin: number;
  maxTopicLength: number;
  /** Topics are text like messages: no longer than these. */
  maxMessageBytes: number;
  limits: RoomLimits;
  expiryMs: number;
  crowdNotices: CrowdNoticeOptions;
  /** The other server nodes' users: rooms are shared, and so are their member lists. */
  roster: Roster;
  gate: RoomGate;
  now: () => number;
}

/** The rooms and who is in them: creating, joining, leaving, topics, lists, expiry. */
export class Rooms {
  private readonly byKey = new Map<string, Room>();
  private readonly expiry: RoomExpiry;
  /** Big rooms' summaries of joins and parts, here and on other nodes, for members here. */
  readonly crowd: CrowdNotices;

  readonly lobbyKey: string;

  constructor(private readonly options: RoomsOptions) {
    this.lobbyKey = foldCase(options.lobby);
    this.expiry = new RoomExpiry(
      this.byKey,
      options.history,
      foldCase(options.lobby),
      options.expiryMs,
      options.now,
      (key) => options.roster.countIn(key),
      (key) => options.gate.forget(key),
    );
    // Every node sums up for its own members what it saw, wherever the joiners were.
    this.crowd = new CrowdNotices(
      options.crowdNotices,
      (key, event) => options.fanout.publish(event, { rooms: [key], local: true }),
      (key) => {
        const room = this.byKey.get(key);
        return room ? this.sizeOf(room) : 0;
      },
    );
  }

  /** Brings back the rooms (topics, creators) and their latest messages from the store. */
  async restore(): Promise<void> {
    const { history, historyOnJoin } = this.options;
    for (const record of await history.loadRooms()) {
      const room = roomFromRecord(record);
      const latest = await history.latest(room.key, Math.max(historyOnJoin, 1));
      for (const message of latest) room.remember(message, historyOnJoin);
      this.keep(room);
    }
  }

  /** The members of a room here, for the fan-out; undefined if there is no such room. */
  membersOf(key: string): Iterable<Member> | undefined {
    return this.byKey.get(key)?.members;
  }

  /** The members of the room who follow every join and part of a big room (Room.followers). */
  followersOf(key: string): Iterable<Member> | undefined {
    const room = this.byKey.get(key);
    return room && this.followed(room) ? room.followers : undefined;
  }

  /** Whether a room's followers are told of each join and part (not when it is quiet). */
  private followed(room: Room): boolean {
    return !this.crowd.isQuiet(room.key);
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
    options: { replay?: boolean; allMembers?: boolean; key?: string } = {},
  ): Promise<Room> {
    const nick = requireNick(member);
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const key = foldCase(roomName);
    let room = this.byKey.get(key);
    if (room?.settling) {
      // Learned from another node a moment ago: its bans and modes are on their way.
      await room.settling.catch(() => {});
      room = this.byKey.get(key);
    }
    if (room?.members.has(member)) {
      // Already there: say where we are talking now even if that did not change.
      member.setCurrentRoom(room.name);
      member.send({ type: 'current-room', room: room.name });
      return room;
    }
    let created = false;
    if (room) this.options.gate.mayJoin(member, room, options.key, this.sizeOf(room));
    else {
      ({ room, created } = await this.create(roomName, nick, member));
      this.options.roster.shareRoom(recordOf(room));
      // Made by someone else meanwhile: its rules hold for us too.
      if (!created) this.options.gate.mayJoin(member, room, options.key, this.sizeOf(room));
    }
    if (member.gone || room.members.has(member)) return room;
    room.admit(member);
    member.rooms.add(key);
    this.options.roster.share(member);
    this.announce(member, room, { type: 'join', room: room.name, nick });
    if (!created) this.options.gate.joined(member, room);
    if (room.topic) member.send(topicIs(room));
    // Only the first few on joining: in a room of thousands the full list costs every joiner
    // (and the server) a lot and tells a person nothing; /who gives it on demand.
    // A quiet room's members are told of no joins, so naming them all would be stale at once.
    const allMembers = options.allMembers && this.followed(room);
    member.send(this.membersEvent(room, allMembers ? undefined : MEMBERS_SHOWN_ON_JOIN));
    if ((options.replay ?? true) && room.recent.length > 0) {
      member.send(historyEvent(room.name, false, 'join', room.recent, undefined, false));
    }
    if (member.currentRoomKey !== room.key) {
      member.setCurrentRoom(room.name);
      member.send({ type: 'current-room', room: room.name });
    }
    return room;
  }

  part(member: Member, roomName: string | undefined, reason = ''): void {
    const nick = requireNick(member);
    const room = this.memberRoom(member, roomName);
    this.announce(member, room, {
      type: 'part',
      room: room.name,
      nick,
      reason: cleanReason(reason),
    });
    this.expel(member, room);
  }

  /**
   * A join or part, to the room. A big room's is marked `crowd` and summarized; the member
   * hears of its own even if its door shows the others' only in summaries, or the room is quiet.
   */
  private announce(member: Member, room: Room, event: JoinOrPart): void {
    if (!this.crowd.isCrowded(this.sizeOf(room))) {
      this.options.fanout.publish(event, { rooms: [room.key] });
      return;
    }
    if (event.type === 'join') this.crowd.joined(room.key, room.name, event.nick);
    else this.crowd.left(room.key, room.name, event.nick);
    const crowded = { ...event, crowd: true as const };
    this.options.fanout.publish(crowded, { rooms: [room.key] });
    if (!this.followed(room) || !room.followers.has(member)) member.send(crowded);
  }

  /** Takes a member out of a room (they left, or were kicked: the room was told). */
  expel(member: Member, room: Room): void {
    if (!room.members.has(member)) return;
    this.remove(member, room);
    this.options.roster.share(member);
    if (member.currentRoomKey === room.key) {
      const next = this.firstRoomOf(member);
      member.setCurrentRoom(next?.name);
      member.send({ type: 'current-room', room: next?.name });
    }
  }

  /**
   * Where the quit of a user who was in these rooms is told (and notes it in the summaries of
   * big rooms):
   * `rooms` at once; `crowdedRooms`, big enough to summarize joins and parts, in their
   * summary (and to those who share only those, as a quit marked `crowd`).
   */
  leaveAll(roomKeys: Iterable<string>, nick: string): { rooms: string[]; crowdedRooms: string[] } {
    const rooms: string[] = [];
    const crowdedRooms: string[] = [];
    for (const key of roomKeys) {
      const room = this.byKey.get(key);
      if (!room) continue;
      if (this.crowd.isCrowded(this.sizeOf(room))) {
        this.crowd.left(room.key, room.name, nick);
        crowdedRooms.push(key);
      } else rooms.push(key);
    }
    return { rooms, crowdedRooms };
  }

  /** After leaveAll's quit went out: the member is no longer in any room. */
  removeFromAll(member: Member): void {
    for (const key of [...member.rooms]) {
      const room = this.byKey.get(key);
      if (room) this.remove(member, room);
    }
  }

  async setTopic(member: Member, roomName: string | undefined, topic: string): Promise<void> {
    const nick = requireNick(member);
    const room = this.memberRoom(member, roomName);
    this.options.gate.mayTopic(member, room);
    await changeTopic(room, nick, topic, this.options);
  }

  showTopic(member: Member, roomName: string | undefined): void {
    member.send(topicIs(this.askedAbout(member, roomName)));
  }

  listMembers(member: Member, roomName: string | undefined): void {
    member.send(this.membersEvent(this.askedAbout(member, roomName)));
  }

  /**
   * The named room (or the member's current one) as one asking about it may see it. A secret
   * room is none of an outsider's business: it is not there, as in /rooms and LIST.
   */
  private askedAbout(member: Member, roomName: string | undefined): Room {
    const room = roomName === undefined ? this.memberRoom(member, undefined) : this.named(roomName);
    if (!isListedFor(room, member)) {
      throw new ChatError('NO_SUCH_ROOM', `There is no room called ${roomName}.`);
    }
    return room;
  }

  /** Who is in the room (the first `limit`), with the roles of those who hold any. */
  private membersEvent(room: Room, limit?: number): ChatEvent {
    return membersEvent(room, this.nicksIn(room, limit), this.sizeOf(room));
  }

  /** Members here and on other nodes. */
  sizeOf(room: Room): number {
    return room.members.size + this.options.roster.countIn(room.key);
  }

  /** Nicknames here in join order, then those on other nodes; at most `limit`. */
  private nicksIn(room: Room, limit = Number.POSITIVE_INFINITY): string[] {
    const nicks = room.nicks(limit);
    for (const other of this.options.roster.inRoom(room.key)) {
      if (nicks.length >= limit) break;
      nicks.push(other.nick);
    }
    return nicks;
  }

  /**
   * A room made on another node (or an update of its record): known here from now on, so
   * /rooms, LIST and joins see it. Its messages come by the cluster's fan-out.
   */
  learn(record: RoomRecord): Room {
    const known = this.byKey.get(record.key);
    if (known) return known;
    const room = roomFromRecord(record);
    this.keep(room);
    return room;
  }

  /**
   * Reads a room's latest messages from the store into its replay, merged with what arrived
   * meanwhile: a room learned from another node has a history from before it was known here.
   */
  async refresh(room: Room): Promise<void> {
    const { history, historyOnJoin } = this.options;
    for (const message of await history.latest(room.key, Math.max(historyOnJoin, 1))) {
      room.remember(message, historyOnJoin);
    }
  }

  find(name: string): Room | undefined {
    return this.byKey.get(foldCase(name));
  }

  all(): IterableIterator<Room> {
    return this.byKey.values();
  }

  get count(): number {
    return this.byKey.size;
  }

  /** Up to `limit` rooms (at most MAX_ROOM_PAGE) from `offset` on, sorted by name. */
  page(offset: number, limit: number = MAX_ROOM_PAGE, viewer?: Member): RoomPage {
    const rooms = viewer ? listedFor(this.byKey.values(), viewer) : this.byKey.values();
    return roomPage(rooms, offset, limit, (key) => this.options.roster.countIn(key));
  }

  /** Removes the rooms that have been empty, without messages, for the expiry time. */
  expire(): Promise<number> {
    return this.expiry.sweep();
  }

  get expiryMs(): number {
    return this.expiry.expiryMs;
  }

  /** An existing room by name; NO_SUCH_ROOM otherwise. */
  named(roomName: string): Room {
    const invalid = checkRoomName(roomName);
    if (invalid) throw invalid;
    const room = this.byKey.get(foldCase(roomName));
    if (!room) throw new ChatError('NO_SUCH_ROOM', `There is no room called ${roomName}.`);
    return room;
  }

  /** The named room, or the member's current one, which the member must belong to. */
  memberRoom(member: Member, roomName: string | undefined): Room {
    const key = roomName === undefined ? member.currentRoomKey : foldCase(roomName);
    if (key === undefined) {
      throw new ChatError('NO_CURRENT_ROOM', 'You are not in any room: /join #room first.');
    }
    const room = this.byKey.get(key);
    if (!room?.members.has(member)) {
      throw new ChatError('NOT_IN_ROOM', `You are not in ${roomName ?? key}.`);
    }
    return room;
  }

  /** The room, and whether this member made it (else another did meanwhile, here or elsewhere). */
  private async create(
    name: string,
    creator: string,
    member: Member,
  ): Promise<{ room: Room; created: boolean }> {
    const key = foldCase(name);
    // The lobby is where everyone starts: it is never refused.
    const created =
      key === foldCase(this.options.lobby)
        ? undefined
        : this.options.limits.beginCreate(member, this.byKey.size);
    try {
      // An expired room of this name may still be being deleted from the store.
      await this.expiry.settled(key);
      // Another server may have created it first: then its record (name, topic, creator) is
      // the room's, not ours.
      const ours = recordOf(new Room(name, key, creator, this.options.now()));
      const record = await createRoomOrFail(this.options.history, ours);
      // Someone here may have created it while we were saving: theirs wins.
      const existing = this.byKey.get(key);
      if (existing) return { room: existing, created: false };
      const room = roomFromRecord(record);
      const mine = record.createdAt === ours.createdAt && record.createdBy === ours.createdBy;
      // Its owner is stored before the room is known here, so nobody else joins it ownerless.
      if (mine) await this.options.gate.created(member, room);
      const raced = this.byKey.get(key);
      if (raced) {
        // Another joiner here took the record for theirs meanwhile: the roles stored are ours.
        if (mine) raced.mod.setRoles(member.nickKey!, room.mod.rolesOf(member.nickKey!));
        return { room: raced, created: false };
      }
      this.keep(room);
      // Made elsewhere, it may have messages already (the joiner's replay needs them), an
      // owner and modes.
      if (!mine) await Promise.all([this.refresh(room), this.options.gate.learned(room)]);
      return { room, created: mine };
    } finally {
      created?.();
    }
  }

  /**
   * A room known here from now on. The lobby, which nobody owns, is not topic-locked unless
   * its stored modes say otherwise: its members keep setting its topic as they always did.
   */
  private keep(room: Room): void {
    if (room.key === this.lobbyKey) room.mod.modes.topicLock = false;
    this.byKey.set(room.key, room);
  }

  private remove(member: Member, room: Room): void {
    room.release(member, this.options.now());
    member.rooms.delete(room.key);
    member.held?.delete(room.key);
    member.speakVerdicts?.delete(room.key);
  }

  private firstRoomOf(member: Member): Room | undefined {
    for (const key of member.rooms) return this.byKey.get(key);
    return undefined;
  }
}

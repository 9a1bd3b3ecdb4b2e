import type { ChatOptions } from './chat-options.js';
import { chatSettings, wireChat } from './chat-parts.js';
import type { ClientTags } from './events.js';
import type { Fanout } from './fanout.js';
import type { FromElsewhere } from './from-elsewhere.js';
import type { GroupCommitter, WriteOutcome } from './group-commit.js';
import type { StoredMessage } from './history.js';
import type { HistoryPage, HistoryReading } from './history-reading.js';
import type { Member, MemberView, Peer } from './member.js';
import type { Messaging, SayOptions } from './messaging.js';
import type { Moderation } from './moderation/moderation.js';
import type { PastNick } from './nick-history.js';
import type { ServerOperators } from './operators/operators.js';
import type { Presence, UserCounts } from './presence.js';
import type { Queries } from './queries.js';
import type { Room } from './room.js';
import { listedFor, type RoomPage } from './room-list.js';
import type { Rooms } from './rooms.js';
import type { RemoteMember } from './roster.js';
import { cleanReason } from './rules.js';

export type { ChatOptions };
export { type HistoryPage, MAX_HISTORY_PAGE } from './history-reading.js';
export { MAX_AWAY_LENGTH } from './rules.js';

/**
 * The chat domain: members, nicknames, rooms and who hears what. It never sees a socket or a
 * byte; it turns requests into events and hands each event, once, to a Fanout with its
 * audience by address (rooms, nicknames). Every message is stored before anyone receives it.
 * Requests that break a rule throw a ChatError, which the front door reports to its user.
 *
 * This class is the front doors' one entry: it holds the parts (Presence, Rooms, Messaging,
 * HistoryReading..., wired in chat-parts.ts) and leaves the work to them.
 */
export class Chat {
  readonly serverName: string;
  readonly lobby: string;
  readonly historyOnJoin: number;
  readonly maxTopicLength: number;
  private readonly writer: GroupCommitter;
  private readonly fanout: Fanout;
  private readonly presence: Presence;
  private readonly rooms: Rooms;
  private readonly messaging: Messaging;
  private readonly reading: HistoryReading;
  /** Roles, modes, kicks, bans and mutes, and the audit log (src/core/moderation). */
  readonly moderation: Moderation;
  /** Server operators: OPER, KILL, WALLOPS, server bans (src/core/operators). */
  readonly operators: ServerOperators;
  /** Where what happened on other server nodes comes in (src/cluster). */
  readonly elsewhere: FromElsewhere;
  private readonly queries: Queries;

  constructor(options: ChatOptions) {
    ({
      serverName: this.serverName,
      lobby: this.lobby,
      historyOnJoin: this.historyOnJoin,
      maxTopicLength: this.maxTopicLength,
    } = chatSettings(options));
    ({
      writer: this.writer,
      fanout: this.fanout,
      presence: this.presence,
      rooms: this.rooms,
      messaging: this.messaging,
      reading: this.reading,
      moderation: this.moderation,
      operators: this.operators,
      elsewhere: this.elsewhere,
      queries: this.queries,
    } = wireChat(options, this, (member, reason) => this.detach(member, reason)));
  }

  get memberCount(): number {
    return this.presence.connected.size;
  }

  /** Registered members. */
  get userCount(): number {
    return this.presence.byNick.size;
  }

  /** Registered users here and on every node, and the most there have been at once. */
  userCounts(): UserCounts {
    return this.presence.counts();
  }

  /** How the last write of messages to the store went; undefined before the first. */
  get lastWrite(): WriteOutcome | undefined {
    return this.writer.lastWrite;
  }

  /** Brings back the rooms (topics, creators, moderation) and their latest messages. */
  async restore(): Promise<void> {
    await this.rooms.restore();
    await this.moderation.load();
  }

  /** Resolves once every message accepted so far has been stored (or has failed to be). */
  flush(): Promise<void> {
    return this.writer.drain();
  }

  // ---- presence --------------------------------------------------------------------------

  attach(peer: Peer): Member {
    return this.presence.attach(peer);
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
    // Checked before the nickname is claimed: a banned user takes nothing, not even for a moment.
    this.operators.admit(member, nick);
    if (!(await this.presence.name(member, nick))) return;
    if (options.joinLobby ?? true) await this.join(member, this.lobby, { replay: options.replay });
  }

  async changeNick(member: Member, nick: string): Promise<void> {
    this.operators.mayRename(member, nick);
    return this.presence.rename(member, nick);
  }

  setAway(member: Member, message: string | undefined): void {
    this.presence.setAway(member, message);
  }

  /** The connected member with this nickname, if any (for doors that describe users). */
  findMember(nick: string): Member | undefined {
    return this.presence.find(nick);
  }

  /**
   * What others may see of the user with this nickname, connected here or to another node
   * (then with `node` and `rooms`), if there is one.
   */
  describe(nick: string): MemberView | RemoteMember | undefined {
    return this.presence.describe(nick);
  }

  /** Who last held this nickname, most recent first (IRC's WHOWAS). */
  whowas(nick: string, limit?: number): PastNick[] {
    return this.presence.past.find(nick, limit);
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
    this.operators.gone(member);
    const nick = member.nick;
    if (nick !== undefined) {
      // Those who share only big rooms with it hear of it in their summaries (see Rooms).
      const { rooms, crowdedRooms } = this.rooms.leaveAll(member.rooms, nick);
      const quit = { type: 'quit', nick, reason: cleanReason(reason) } as const;
      this.fanout.publish(quit, { rooms });
      if (crowdedRooms.length > 0) {
        this.fanout.publish({ ...quit, crowd: true }, { rooms: crowdedRooms, exceptRooms: rooms });
      }
      this.rooms.removeFromAll(member);
    }
    this.presence.forget(member);
  }

  /** Tells everyone connected here, registered or not (used for shutdown). */
  announce(text: string): void {
    this.fanout.publish({ type: 'notice', text }, { everyone: true, local: true });
  }

  /** The members here that have a nickname. */
  registered(): IterableIterator<Member> {
    return this.presence.byNick.values();
  }

  /** Renames a member that lost its nickname to another node's earlier claim, saying why. */
  renameToGuest(member: Member, reason: string): Promise<void> {
    return this.presence.renameToGuest(member, reason);
  }

  /** Ends every connection here, saying why (this node lost its place in a cluster). */
  disconnectAll(reason: string): void {
    for (const member of [...this.presence.connected]) member.peer.disconnect(reason);
  }

  // ---- rooms -----------------------------------------------------------------------------

  join(
    member: Member,
    roomName: string,
    options: { replay?: boolean; allMembers?: boolean; key?: string } = {},
  ): Promise<Room> {
    return this.rooms.join(member, roomName, options);
  }

  part(member: Member, roomName: string | undefined, reason = ''): void {
    this.rooms.part(member, roomName, reason);
  }

  setTopic(member: Member, roomName: string | undefined, topic: string): Promise<void> {
    return this.rooms.setTopic(member, roomName, topic);
  }

  showTopic(member: Member, roomName: string | undefined): void {
    this.rooms.showTopic(member, roomName);
  }

  listMembers(member: Member, roomName: string | undefined): void {
    this.rooms.listMembers(member, roomName);
  }

  /** The room with this name, if it exists (for doors that describe rooms). */
  findRoom(name: string): Room | undefined {
    return this.rooms.find(name);
  }

  /** The rooms `viewer` may see listed (secret ones only from inside), in no order. */
  roomsVisibleTo(viewer: Member): Iterable<Room> {
    return listedFor(this.rooms.all(), viewer);
  }

  /** Every room, in no particular order. */
  allRooms(): IterableIterator<Room> {
    return this.rooms.all();
  }

  // ---- read-only queries (doors describe rooms and users without touching core state) ----

  /** Whether the member is in the room with this name. */
  isIn(member: Member, roomName: string): boolean {
    return this.queries.isIn(member, roomName);
  }

  /**
   * The names of the rooms the user with this nickname is in, in join order, as `viewer` may
   * see them: a hidden user shows others only the rooms they share. Empty for no such user.
   */
  roomsOf(nick: string, viewer: Member): string[] {
    return this.queries.roomsOf(nick, viewer);
  }

  /**
   * The registered members of a room as `viewer` may see them: everyone from inside the room,
   * everyone but the hidden from outside; those here in join order, then those elsewhere.
   */
  membersOf(roomName: string, viewer: Member): MemberView[] {
    return this.queries.membersOf(roomName, viewer);
  }

  get roomCount(): number {
    return this.rooms.count;
  }

  /** One page of the rooms, sorted by name, as a single `room-list` event. */
  listRooms(member: Member, offset = 0, limit?: number): void {
    member.send({ type: 'room-list', ...this.rooms.page(offset, limit, member) });
  }

  /** Up to `limit` rooms (at most MAX_ROOM_PAGE) from `offset` on, sorted by name. */
  roomPage(offset: number, limit: number, viewer?: Member): RoomPage {
    return this.rooms.page(offset, limit, viewer);
  }

  /** Removes the rooms that have been empty, without messages, for the expiry time. */
  expireRooms(): Promise<number> {
    return this.rooms.expire();
  }

  get roomExpiryMs(): number {
    return this.rooms.expiryMs;
  }

  // ---- messages --------------------------------------------------------------------------

  say(member: Member, text: string, options: SayOptions = {}): Promise<StoredMessage> {
    return this.messaging.say(member, text, options);
  }

  privateMessage(
    member: Member,
    target: string,
    text: string,
    action = false,
    ref?: string,
    tags?: ClientTags,
    notice = false,
  ): Promise<StoredMessage> {
    return this.messaging.privateMessage(member, target, text, action, ref, tags, notice);
  }

  /** Client tags alone (IRC's TAGMSG), to a room the member is in or a nickname; not stored. */
  sendTags(member: Member, target: string, tags: ClientTags): void {
    this.messaging.sendTags(member, target, tags);
  }

  // ---- history ---------------------------------------------------------------------------

  showHistory(
    member: Member,
    target: string | undefined,
    options: { before?: number; after?: number; limit: number },
  ): Promise<void> {
    return this.reading.show(member, target, options);
  }

  readHistory(
    member: Member,
    target: string | undefined,
    query: { before?: number; after?: number; limit: number },
  ): Promise<HistoryPage> {
    return this.reading.read(member, target, query);
  }

  idAtTime(member: Member, target: string | undefined, time: number): Promise<number> {
    return this.reading.idAtTime(member, target, time);
  }

  search(member: Member, roomName: string | undefined, query: string): Promise<void> {
    return this.reading.search(member, roomName, query);
  }

  resume(member: Member, roomName: string, afterId: number): Promise<void> {
    return this.reading.resume(member, roomName, afterId);
  }
}

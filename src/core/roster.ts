import type { RoomRecord } from './history.js';
import type { Member, MemberView } from './member.js';

/** A registered user connected to another server node, as that node last described them. */
export interface RemoteMember extends MemberView {
  readonly nickKey: string;
  /** The node the user is connected to. */
  readonly node: string;
  /** The rooms they are in, by display name, in join order. */
  readonly rooms: readonly string[];
}

/**
 * The users (and rooms) of the other server nodes, so that /who, NAMES, WHOIS, room counts and private
 * messages see one chat, wherever each user is connected. The core tells it what changes
 * about its own registered members; what it knows of the others arrives by the cluster's
 * own means. A single server has no one else: see NO_ROSTER.
 */
export interface Roster {
  /** The user on another node holding this nickname (case-folded), if any. */
  find(nickKey: string): RemoteMember | undefined;
  /** The users on other nodes in this room (case-folded), in no particular order. */
  inRoom(roomKey: string): Iterable<RemoteMember>;
  /** How many users on other nodes are in this room. */
  countIn(roomKey: string): number;
  /** How many users are on other nodes. */
  count(): number;
  /**
   * A local registered member's nickname, rooms, away message or profile changed: the other
   * nodes should see the new state. `previousNickKey` is set when the nickname changed.
   */
  share(member: Member, previousNickKey?: string): void;
  /** A local member holding this nickname left the chat. */
  unshare(nickKey: string): void;
  /** A room was made here: the other nodes should know it exists. */
  shareRoom(room: RoomRecord): void;
}

/** The roster of a server that runs alone. */
export const NO_ROSTER: Roster = {
  find: () => undefined,
  inRoom: () => [],
  countIn: () => 0,
  count: () => 0,
  share: () => {},
  unshare: () => {},
  shareRoom: () => {},
};

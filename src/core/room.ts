import type { ChatEvent } from './events.js';
import type { RoomRecord, StoredMessage } from './history.js';
import type { Member } from './member.js';
import { RoomModeration } from './moderation/room-moderation.js';
import { foldCase } from './names.js';

export class Room {
  readonly members = new Set<Member>();
  /**
   * The members whose doors show every join and part even of a big room (IRC keeps its
   * member lists from them): in a room of thousands, a join is not a loop over everyone.
   */
  readonly followers = new Set<Member>();
  topic = '';
  topicSetBy: string | undefined;
  topicSetAt: number | undefined;
  /** The newest messages broadcast here, oldest first: what a joiner is shown. */
  readonly recent: StoredMessage[] = [];
  /** The id of the last message broadcast here; everything up to it is in the store. */
  lastId = 0;
  /** When the last member left (ms since the epoch); undefined while anyone is here. */
  emptySince: number | undefined;
  /** Its modes, roles and sanctions. */
  readonly mod = new RoomModeration();
  /** While its moderation is being read (a room learned from another node): joins wait. */
  settling: Promise<void> | undefined;

  constructor(
    readonly name: string,
    readonly key: string,
    readonly createdBy: string,
    readonly createdAt: number,
  ) {}

  admit(member: Member): void {
    this.members.add(member);
    if (member.peer.followsCrowds !== false) this.followers.add(member);
    this.emptySince = undefined;
  }

  release(member: Member, now: number): void {
    this.members.delete(member);
    this.followers.delete(member);
    if (this.members.size === 0) this.emptySince = now;
  }

  /**
   * Keeps a message for the replay, in id order. Messages arrive in order but for two cases:
   * several server nodes storing into one room, and a room's history read while its live
   * messages came in; then one may come after a newer one, or twice.
   */
  remember(message: StoredMessage, keep: number): void {
    if (message.id > this.lastId) {
      this.lastId = message.id;
      if (keep === 0) return;
      this.recent.push(message);
    } else {
      if (keep === 0) return;
      let at = this.recent.length;
      while (at > 0 && this.recent[at - 1]!.id > message.id) at--;
      if (at > 0 && this.recent[at - 1]!.id === message.id) return;
      this.recent.splice(at, 0, message);
    }
    if (this.recent.length > keep) this.recent.shift();
  }

  /** Nicknames in the order members joined, at most `limit` of them. */
  nicks(limit = Number.POSITIVE_INFINITY): string[] {
    const nicks: string[] = [];
    for (const member of this.members) {
      if (nicks.length >= limit) break;
      if (member.nick !== undefined) nicks.push(member.nick);
    }
    return nicks;
  }
}

export function topicIs(room: Room): ChatEvent {
  return {
    type: 'topic-is',
    room: room.name,
    topic: room.topic,
    setBy: room.topicSetBy,
    setAt: room.topicSetAt,
  };
}

export function roomFromRecord(record: RoomRecord): Room {
  const room = new Room(record.name, record.key, record.createdBy, record.createdAt);
  room.topic = record.topic;
  room.topicSetBy = record.topicSetBy;
  room.topicSetAt = record.topicSetAt;
  return room;
}

export function recordOf(room: Room): RoomRecord {
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

/** Who is in the room (`nicks` of `total`), with the roles of those listed who hold any. */
export function membersEvent(room: Room, nicks: string[], total: number): ChatEvent {
  const roles: Record<string, number> = {};
  let anyRoles = false;
  if (room.mod.roles.size > 0) {
    for (const nick of nicks) {
      const bits = room.mod.rolesOf(foldCase(nick));
      if (bits === 0) continue;
      roles[nick] = bits;
      anyRoles = true;
    }
  }
  return { type: 'members', room: room.name, nicks, total, ...(anyRoles ? { roles } : {}) };
}

import type { RoomRecord } from '../core/history.js';
import { type Member, UNKNOWN_HOST } from '../core/member.js';
import { foldCase } from '../core/names.js';
import type { RemoteMember, Roster } from '../core/roster.js';
import type { MemberState } from './envelope.js';

export interface ClusterRosterOptions {
  nodeId: string;
  /** A local member's new state (null: gone), to publish and keep in Redis. */
  shareMember(key: string, state: MemberState | null, was: string | undefined): void;
  /** A room made here, to announce. */
  shareRoom(room: RoomRecord): void;
  /** A room's display name from its key (members keep keys; the others are told names). */
  roomName(key: string): string;
}

/**
 * Who is connected to the other nodes, as they last said: kept from their `member` envelopes
 * and, after a (re)connection to Redis, from the snapshot each node keeps there. The core asks
 * it for member lists, counts and private message recipients; it asks nothing of Redis.
 */
export class ClusterRoster implements Roster {
  private readonly byKey = new Map<string, RemoteMember>();
  private readonly byRoom = new Map<string, Set<RemoteMember>>();
  private readonly byNode = new Map<string, Set<string>>();

  constructor(private readonly options: ClusterRosterOptions) {}

  // ---- asked by the core ----

  find(nickKey: string): RemoteMember | undefined {
    return this.byKey.get(nickKey);
  }

  inRoom(roomKey: string): Iterable<RemoteMember> {
    return this.byRoom.get(roomKey) ?? [];
  }

  countIn(roomKey: string): number {
    return this.byRoom.get(roomKey)?.size ?? 0;
  }

  count(): number {
    return this.byKey.size;
  }

  share(member: Member, previousNickKey?: string): void {
    const key = member.nickKey;
    if (key === undefined) return;
    const was =
      previousNickKey !== undefined && previousNickKey !== key ? previousNickKey : undefined;
    this.options.shareMember(key, stateOf(member, this.options.roomName), was);
  }

  unshare(nickKey: string): void {
    this.options.shareMember(nickKey, null, undefined);
  }

  shareRoom(room: RoomRecord): void {
    this.options.shareRoom(room);
  }

  // ---- told by the cluster ----

  /** Another node's member changed (state null: left). */
  apply(node: string, key: string, state: MemberState | null, was?: string): void {
    if (was !== undefined) this.remove(was, node);
    if (state === null) this.remove(key, node);
    else this.put(node, key, state);
  }

  /** Everything a node has, from its snapshot: replaces what was known of it. */
  replaceNode(node: string, members: Map<string, MemberState>): void {
    for (const key of [...(this.byNode.get(node) ?? [])]) {
      if (!members.has(key)) this.remove(key, node);
    }
    for (const [key, state] of members) this.put(node, key, state);
  }

  /** A node was lost: its members are forgotten and returned, for their quits to be told. */
  dropNode(node: string): RemoteMember[] {
    const dropped: RemoteMember[] = [];
    for (const key of [...(this.byNode.get(node) ?? [])]) {
      const member = this.byKey.get(key);
      if (member) dropped.push(member);
      this.remove(key, node);
    }
    this.byNode.delete(node);
    return dropped;
  }

  /** The nodes that have members here, as far as this node knows. */
  nodes(): string[] {
    return [...this.byNode.keys()];
  }

  get size(): number {
    return this.byKey.size;
  }

  private put(node: string, key: string, state: MemberState): void {
    this.remove(key, undefined);
    const member: RemoteMember = {
      nick: state.nick,
      nickKey: key,
      node,
      away: state.away,
      door: state.door,
      realname: state.realname,
      hidden: state.hidden,
      username: state.username ?? `~${state.door}`,
      host: state.host ?? UNKNOWN_HOST,
      ...(state.operator ? { operator: true } : {}),
      rooms: state.rooms,
    };
    this.byKey.set(key, member);
    let keys = this.byNode.get(node);
    if (!keys) {
      keys = new Set();
      this.byNode.set(node, keys);
    }
    keys.add(key);
    for (const name of state.rooms) {
      const roomKey = foldCase(name);
      let members = this.byRoom.get(roomKey);
      if (!members) {
        members = new Set();
        this.byRoom.set(roomKey, members);
      }
      members.add(member);
    }
  }

  /** Forgets a member; only if it is on `node`, when given (a late word from its old node). */
  private remove(key: string, node: string | undefined): void {
    const member = this.byKey.get(key);
    if (!member || (node !== undefined && member.node !== node)) return;
    this.byKey.delete(key);
    const keys = this.byNode.get(member.node);
    keys?.delete(key);
    if (keys?.size === 0) this.byNode.delete(member.node);
    for (const name of member.rooms) {
      const roomKey = foldCase(name);
      const members = this.byRoom.get(roomKey);
      members?.delete(member);
      if (members?.size === 0) this.byRoom.delete(roomKey);
    }
  }
}

/** What the other nodes are told of a member here. */
export function stateOf(member: Member, roomName: (key: string) => string): MemberState | null {
  const view = member.view();
  if (!view) return null;
  const rooms = [...member.rooms].map(roomName);
  return {
    nick: view.nick,
    ...(view.away === undefined ? {} : { away: view.away }),
    door: view.door,
    ...(view.realname === undefined ? {} : { realname: view.realname }),
    hidden: view.hidden,
    rooms,
    username: view.username,
    host: view.host,
    ...(view.operator ? { operator: true as const } : {}),
  };
}

import type { Redis } from 'ioredis';
import type { Chat } from '../core/chat.js';
import type { Logger } from '../log.js';
import type { RedisBus } from './bus.js';
import { isMemberState, type MemberState } from './envelope.js';
import type { NodeLease } from './node-lease.js';
import { type ClusterRoster, stateOf } from './roster.js';

export interface PresenceSyncOptions {
  nodeId: string;
  prefix: string;
  leaseMs: number;
  redis: Redis;
  bus: RedisBus;
  lease: NodeLease;
  roster: ClusterRoster;
  log: Logger;
  chat: () => Chat | undefined;
  /** Another node says one of its users holds this nickname. */
  onClaimSeen(key: string): void;
}

/**
 * Who is on which node, kept the same everywhere: what this node says of its members (an
 * envelope each change, and a snapshot in Redis that a node reads on joining or after
 * losing Redis), what it reads of the others', and the others that were lost.
 */
export class PresenceSync {
  /** Nodes whose snapshot was read, by incarnation: a new one means the old one's users left. */
  private readonly incarnations = new Map<string, string>();
  /** No node is declared lost before this (ms, performance.now): a restarted Redis is empty. */
  private reapNotBefore = 0;
  private readonly nodeId: string;
  private readonly redis: Redis;
  private readonly bus: RedisBus;
  private readonly lease: NodeLease;
  private readonly roster: ClusterRoster;
  private readonly log: Logger;

  constructor(private readonly options: PresenceSyncOptions) {
    ({
      nodeId: this.nodeId,
      redis: this.redis,
      bus: this.bus,
      lease: this.lease,
      roster: this.roster,
      log: this.log,
    } = options);
  }

  private get chat(): Chat | undefined {
    return this.options.chat();
  }

  /** Lost nodes are not looked for for a lease from now: every node has time to come back. */
  holdReaping(): void {
    this.reapNotBefore = performance.now() + this.options.leaseMs;
  }

  /** Which node has this nickname, as far as the roster knows. */
  isOn(nickKey: string, node: string): boolean {
    return this.roster.find(nickKey)?.node === node;
  }

  shareMember(key: string, state: MemberState | null, was: string | undefined): void {
    const hash = this.membersKey(this.nodeId);
    if (this.bus.connected) {
      const write =
        state === null
          ? this.redis.hdel(hash, key)
          : this.redis.hset(hash, key, JSON.stringify(state));
      // A failed write is made good by the next reconnection, which rewrites the snapshot.
      write.catch(() => {});
      if (was !== undefined) this.redis.hdel(hash, was).catch(() => {});
    }
    this.bus.publish(this.bus.allChannel, {
      v: 1,
      k: 'member',
      node: this.nodeId,
      key,
      ...(was === undefined ? {} : { was }),
      state,
    });
  }

  /** Tells the others that this node's snapshot is fresh, and which incarnation it is. */
  publishHello(): void {
    this.bus.publish(this.bus.allChannel, {
      v: 1,
      k: 'hello',
      node: this.nodeId,
      inc: this.lease.incarnation,
    });
  }

  /** Writes every member here into this node's snapshot, replacing what it held. */
  async writeSnapshot(): Promise<void> {
    const chat = this.chat;
    if (!chat) return;
    const hash = this.membersKey(this.nodeId);
    const fields: string[] = [];
    const roomName = (key: string) => chat.findRoom(key)?.name ?? key;
    for (const member of chat.registered()) {
      const state = stateOf(member, roomName);
      if (state) fields.push(member.nickKey!, JSON.stringify(state));
    }
    const write = this.redis.multi().del(hash);
    if (fields.length > 0) write.hset(hash, ...fields);
    await write.exec();
  }

  /** Other nodes whose lease is gone: their users are announced gone here. */
  async reap(): Promise<void> {
    const chat = this.chat;
    if (!chat || !this.bus.connected || performance.now() < this.reapNotBefore) return;
    let live: Map<string, string>;
    try {
      live = await this.lease.liveNodes();
    } catch {
      return;
    }
    for (const node of this.roster.nodes()) {
      if (node === this.nodeId || live.has(node)) continue;
      // Marked first, atomically with the node's own refresh: it either is back in time
      // and goes on, or will find out that its users were announced gone.
      let marked = false;
      try {
        marked = await this.lease.markReaped(node);
      } catch {
        return;
      }
      if (marked) this.lost(node, `Server lost (${node})`);
    }
  }

  private lost(node: string, reason: string): void {
    const members = this.roster.dropNode(node);
    this.incarnations.delete(node);
    if (members.length === 0) return;
    this.log.warn(
      { event: 'cluster', lost: node, members: members.length },
      'a node was lost; its users quit',
    );
    this.chat?.elsewhere.lost(members, reason);
  }

  async loadSnapshots(): Promise<void> {
    const live = await this.lease.liveNodes();
    await Promise.all(
      [...live]
        .filter(([node]) => node !== this.nodeId)
        .map(([node, inc]) => this.loadSnapshot(node, inc)),
    );
  }

  /** Reads a node's members from its snapshot; a new incarnation's predecessor's users quit. */
  async loadSnapshot(node: string, incarnation: string): Promise<void> {
    const known = this.incarnations.get(node);
    if (known !== undefined && known !== incarnation) this.lost(node, `Server restarted (${node})`);
    this.incarnations.set(node, incarnation);
    let fields: Record<string, string>;
    try {
      fields = await this.redis.hgetall(this.membersKey(node));
    } catch {
      return;
    }
    const members = new Map<string, MemberState>();
    for (const [key, json] of Object.entries(fields)) {
      const state = parseState(json);
      if (state) members.set(key, state);
    }
    this.roster.replaceNode(node, members);
    for (const key of members.keys()) this.options.onClaimSeen(key);
  }

  /** This node's snapshot, emptied: at start (a restart under the same name left one) and stop. */
  async clearOwnSnapshot(): Promise<void> {
    await this.redis.del(this.membersKey(this.nodeId));
  }

  private membersKey(node: string): string {
    return `${this.options.prefix}:members:${node}`;
  }
}

function parseState(json: string): MemberState | undefined {
  try {
    const value: unknown = JSON.parse(json);
    return isMemberState(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

import { Redis } from 'ioredis';
import type { ClusterConfig } from '../config/server-config.js';
import type { Chat, ChatOptions } from '../core/chat.js';
import { type Audience, LocalFanout } from '../core/fanout.js';
import type { HistoryStore } from '../core/history.js';
import { RECONNECT_ELSEWHERE } from '../core/member.js';
import { foldCase } from '../core/names.js';
import type { Logger } from '../log.js';
import { RedisBus } from './bus.js';
import { ClusterFanout } from './cluster-fanout.js';
import type { Envelope, WireAudience } from './envelope.js';
import { MessageOrder } from './message-order.js';
import { NickGuard } from './nick-guard.js';
import { NodeLease } from './node-lease.js';
import { PresenceSync } from './presence-sync.js';
import { CLUSTER_CLIENT_OPTIONS } from './redis-common.js';
import { RedisNickRegistry } from './redis-nicks.js';
import { ClusterRoster } from './roster.js';

/** What /healthz says of the cluster. */
export interface ClusterHealth {
  node: string;
  redis: 'up' | 'down';
  /**
   * held; unconfirmed: not renewed for a lease while Redis is out of reach (nobody can take
   * the node for lost meanwhile; it goes on); lost: Redis answers and the lease is not this
   * node's (it has disconnected its clients and is taking a new one).
   */
  lease: 'held' | 'unconfirmed' | 'lost';
  /** Other nodes with members, as this node knows them. */
  nodes: string[];
  remoteMembers: number;
  bus: RedisBus['counters'];
  /** Room messages waiting for an earlier one to be fetched from the store. */
  waitingMessages: number;
}

/** Redis could not be reached at start, or a live node has this node's name. */
export class ClusterStartError extends Error {}

/** A URL as it may be logged: without its password. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url;
  }
}

/**
 * One node's part in a cluster: its lease and nicknames in Redis, what it tells the other
 * nodes and what it hears from them, and its checks against PostgreSQL. Built before the
 * Chat (which takes its registry, roster and fan-out), attached to it after.
 */
export class Cluster {
  readonly nodeId: string;
  private readonly redis: Redis;
  private readonly lease: NodeLease;
  private readonly nicks: RedisNickRegistry;
  private readonly bus: RedisBus;
  private readonly roster: ClusterRoster;
  private readonly order: MessageOrder;
  private readonly presence: PresenceSync;
  private readonly nickGuard: NickGuard;
  private chat: Chat | undefined;
  private timers: NodeJS.Timeout[] = [];
  private stopped = false;
  private lastRedisError: Error | undefined;

  constructor(
    private readonly config: ClusterConfig,
    store: HistoryStore,
    private readonly log: Logger,
  ) {
    this.nodeId = config.nodeId;
    this.redis = new Redis(config.redisUrl, {
      ...CLUSTER_CLIENT_OPTIONS,
      lazyConnect: true,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
      connectionName: `${config.nodeId}:cmd`,
    });
    this.redis.on('error', (error: Error) => {
      this.lastRedisError = error;
    });
    this.redis.on('ready', () => this.lease.refreshNow());
    this.lease = new NodeLease({
      redis: this.redis,
      prefix: config.prefix,
      nodeName: config.nodeId,
      ttlMs: config.leaseMs,
      refreshMs: Math.max(50, Math.floor(config.leaseMs / 3)),
      onLost: (reason) => this.leaseLost(reason),
      onRestarted: () => void this.nickGuard.reclaim(),
      onRetaken: () => void this.nickGuard.reclaim(),
      onState: (state) =>
        log.warn({ event: 'cluster', node: this.nodeId, redis: state }, `Redis is ${state}`),
    });
    this.nicks = new RedisNickRegistry({
      redis: this.redis,
      prefix: config.prefix,
      lease: this.lease,
    });
    this.bus = new RedisBus({
      url: config.redisUrl,
      prefix: config.prefix,
      nodeId: config.nodeId,
      maxPending: config.maxPending,
      onEnvelope: (envelope) => this.heard(envelope),
      onMalformed: (channel, reason) =>
        log.warn(
          { event: 'cluster', channel, reason },
          'a malformed message on a cluster channel was dropped',
        ),
      onReady: () => void this.reconnected(),
      onDown: (error) =>
        log.warn(
          { event: 'cluster', err: error },
          'lost Redis: messages are still stored and delivered here',
        ),
    });
    this.roster = new ClusterRoster({
      nodeId: config.nodeId,
      shareMember: (key, state, was) => this.presence.shareMember(key, state, was),
      shareRoom: (room) => {
        // Created here, or found in the store when created here: what it held is delivered.
        this.order.track(room.key, this.chat?.findRoom(room.key)?.lastId ?? 0);
        this.bus.listenToRooms([room.key]);
        this.bus.publish(this.bus.allChannel, { v: 1, k: 'room', node: this.nodeId, room });
      },
      roomName: (key) => this.chat?.findRoom(key)?.name ?? key,
    });
    this.presence = new PresenceSync({
      nodeId: config.nodeId,
      prefix: config.prefix,
      leaseMs: config.leaseMs,
      redis: this.redis,
      bus: this.bus,
      lease: this.lease,
      roster: this.roster,
      log,
      chat: () => this.chat,
      onClaimSeen: (key) => this.nickGuard.collision(key),
    });
    this.nickGuard = new NickGuard({
      nodeId: config.nodeId,
      leaseMs: config.leaseMs,
      nicks: this.nicks,
      lease: this.lease,
      roster: this.roster,
      presence: this.presence,
      log,
      chat: () => this.chat,
    });
    this.order = new MessageOrder({
      history: store,
      // The core keeps this node's messages for the replay only now, in order (ordersMessages).
      deliverLocal: (event, audience) => this.chat?.elsewhere.receive(event, audience),
      deliverRemote: (event, audience) => this.chat?.elsewhere.receive(event, audience),
      roomName: (key) => this.chat?.findRoom(key)?.name ?? key,
      nickName: (key) => this.chat?.describe(key)?.nick ?? key,
      onError: (error, target) =>
        log.warn(
          { event: 'cluster', target, err: error },
          'could not read missed messages; trying again',
        ),
    });
  }

  /** Connects to Redis and takes this node's lease: refused if a live node has its name. */
  async start(): Promise<void> {
    try {
      await this.redis.connect();
      await this.bus.start();
      await this.takeLease();
    } catch (error) {
      // ioredis rejects with "Connection is closed"; the cause came as an error event.
      const closed = error instanceof Error && /Connection is closed/.test(error.message);
      const cause = (closed && this.lastRedisError) || error;
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ClusterStartError(
        `cannot join the cluster through Redis at ${redactedUrl(this.config.redisUrl)}: ${reason}`,
        { cause: error },
      );
    }
    // A node restarted under the same name left its old members' snapshot behind.
    await this.presence.clearOwnSnapshot();
  }

  /**
   * A node restarted at once under its old name (kill -9, then a supervisor) finds its old
   * lease still there: it waits for it to lapse, as a second live node with the name would
   * keep renewing it, and fails then.
   */
  private async takeLease(): Promise<void> {
    const deadline = performance.now() + this.config.leaseMs + 1000;
    for (let waited = false; ; waited = true) {
      try {
        await this.lease.start();
        return;
      } catch (error) {
        if (!/another node named/.test(String(error)) || performance.now() > deadline) throw error;
        if (!waited) {
          this.log.warn(
            { event: 'cluster', node: this.nodeId },
            'a node of this name holds the lease; waiting for it to lapse',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, Math.min(500, this.config.leaseMs / 4)));
      }
    }
  }

  /** The Chat's cluster parts: the shared registry, the roster and the fan-out. */
  chatOptions(): Pick<ChatOptions, 'nicks' | 'roster' | 'nodeId' | 'fanout'> {
    return {
      nicks: this.nicks,
      roster: this.roster,
      nodeId: this.nodeId,
      fanout: (directory, onDeliveryError) => {
        const local = new LocalFanout(directory, onDeliveryError);
        return new ClusterFanout(local, this.order, this.bus, this.roster, this.nodeId);
      },
    };
  }

  /** Starts hearing the other nodes, once the Chat has restored its rooms from the store. */
  async attach(chat: Chat): Promise<void> {
    this.chat = chat;
    const keys: string[] = [];
    for (const room of chat.allRooms()) {
      this.order.track(room.key, room.lastId);
      keys.push(room.key);
    }
    this.bus.listenToRooms(keys);
    await this.presence.loadSnapshots();
    this.presence.publishHello();
    this.timers.push(
      setInterval(() => void this.check(), this.config.checkIntervalMs),
      setInterval(
        () => void this.presence.reap(),
        Math.max(50, Math.floor(this.config.leaseMs / 5)),
      ),
    );
    for (const timer of this.timers) timer.unref();
  }

  health(): ClusterHealth {
    return {
      node: this.nodeId,
      redis: this.bus.connected ? 'up' : 'down',
      lease: this.lease.holds() ? 'held' : this.bus.connected ? 'lost' : 'unconfirmed',
      nodes: this.roster.nodes(),
      remoteMembers: this.roster.size,
      bus: { ...this.bus.counters },
      waitingMessages: this.order.behind,
    };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearInterval(timer);
    this.nickGuard.stop();
    this.order.stop();
    await this.presence.clearOwnSnapshot().catch(() => {});
    await this.lease.stop();
    await this.bus.stop();
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  // ---- what the other nodes say ----

  private heard(envelope: Envelope): void {
    const chat = this.chat;
    if (!chat) return;
    switch (envelope.k) {
      case 'event': {
        const audience = audienceOf(envelope.audience);
        const event = envelope.event;
        if (event.type === 'message' || event.type === 'private') {
          this.order.remote(event, audience);
        } else if (
          event.type === 'quit' &&
          !this.presence.isOn(foldCase(event.nick), envelope.node)
        ) {
          // Its node was taken for lost and its users announced gone here already; it says
          // goodbye to them as it wakes up and disconnects them.
          return;
        } else chat.elsewhere.receive(event, audience);
        break;
      }
      case 'member':
        this.roster.apply(envelope.node, envelope.key, envelope.state, envelope.was);
        if (envelope.state !== null) this.nickGuard.collision(envelope.key);
        break;
      case 'room':
        // New: nothing of it delivered yet, whatever comes first on its channel.
        this.order.track(envelope.room.key, 0);
        this.bus.listenToRooms([envelope.room.key]);
        void chat.elsewhere
          .learnRoom(envelope.room)
          .catch((error: unknown) =>
            this.log.warn({ event: 'cluster', err: error }, 'could not read a new room'),
          );
        break;
      case 'hello':
        void this.presence.loadSnapshot(envelope.node, envelope.inc);
        break;
    }
  }

  // ---- what happens to Redis and to the other nodes ----

  /**
   * Redis is back (or was reached for the first time): catch up on what may have been lost.
   * The snapshot is written again until it goes through: the command connection may come
   * back after the subscriber.
   */
  private async reconnected(): Promise<void> {
    if (!this.chat) return;
    this.presence.holdReaping();
    for (let attempt = 0; this.bus.connected && !this.stopped; attempt++) {
      try {
        await this.presence.writeSnapshot();
        this.presence.publishHello();
        await this.presence.loadSnapshots();
        break;
      } catch (error) {
        if (attempt === 0) {
          this.log.warn(
            { event: 'cluster', err: error },
            'could not resync members after reconnecting; trying again',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
    await this.check();
  }

  /** This node was taken for lost by the others: its users must reconnect elsewhere. */
  private leaseLost(reason: string): void {
    this.log.error(
      { event: 'cluster', node: this.nodeId, reason },
      'this node lost its lease; disconnecting its clients',
    );
    this.chat?.disconnectAll(RECONNECT_ELSEWHERE);
  }

  private async check(): Promise<void> {
    try {
      await this.order.check();
    } catch (error) {
      this.log.warn(
        { event: 'cluster', err: error },
        'could not compare delivered messages with the store',
      );
    }
  }
}

function audienceOf(wire: WireAudience): Audience {
  return wire;
}

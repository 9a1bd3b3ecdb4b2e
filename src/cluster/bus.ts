import { Redis } from 'ioredis';
import { decodeEnvelope, type Envelope } from './envelope.js';
import { CLUSTER_CLIENT_OPTIONS } from './redis-common.js';

export interface BusOptions {
  url: string;
  /** Of every channel. */
  prefix: string;
  nodeId: string;
  /** Publications that may wait for Redis at once; past this they are dropped and counted. */
  maxPending: number;
  /** Told of each envelope another node published on a channel this node listens to. */
  onEnvelope(envelope: Envelope): void;
  /** Told of a payload on our channels that is not a well-formed envelope (never delivered). */
  onMalformed(channel: string, reason: string): void;
  /** The subscriber is connected (again): what Redis may have lost meanwhile must be fetched. */
  onReady(): void;
  onDown(error: Error | undefined): void;
}

/** What went through the bus, for /healthz and the logs. */
export interface BusCounters {
  published: number;
  /** Not published: Redis was away, or too many publications were waiting for it. */
  dropped: number;
  received: number;
  malformed: number;
  pending: number;
}

/**
 * Redis Pub/Sub between the nodes: one channel per room (a node listens to the rooms it
 * knows), one per node (private messages to its users), and one for everything else. Redis
 * may lose what is published here (while it is away, or past the bound on what waits for
 * it); the nodes fetch lost room messages from PostgreSQL (MessageOrder), so this is the fast
 * path, not the record.
 */
export class RedisBus {
  readonly counters: BusCounters = {
    published: 0,
    dropped: 0,
    received: 0,
    malformed: 0,
    pending: 0,
  };
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  /** Every channel this node should listen to, resubscribed whole on each reconnection. */
  private readonly channels = new Set<string>();
  private up = false;

  constructor(private readonly options: BusOptions) {
    const common = {
      // Fail at once while Redis is away rather than queue without bound: a publication
      // that cannot go now is dropped (and its message fetched from PostgreSQL by the
      // others). Never sent twice either (see CLUSTER_CLIENT_OPTIONS).
      ...CLUSTER_CLIENT_OPTIONS,
      maxRetriesPerRequest: 1,
      lazyConnect: true,
      retryStrategy: (times: number) => Math.min(100 * times, 2000),
    };
    this.publisher = new Redis(options.url, {
      ...common,
      connectionName: `${options.nodeId}:pub`,
      // The publications of one turn leave in one write: one system call per message was a
      // sixth of a node's time in the two-node benchmark.
      enableAutoPipelining: true,
    });
    this.subscriber = new Redis(options.url, {
      ...common,
      connectionName: `${options.nodeId}:sub`,
    });
    this.publisher.on('error', () => {});
    this.subscriber.on('error', (error: Error) => this.down(error));
    this.subscriber.on('close', () => this.down(undefined));
    this.subscriber.on('ready', () => void this.ready());
    this.subscriber.on('message', (channel: string, payload: string) =>
      this.received(channel, payload),
    );
    this.channels.add(this.allChannel);
    this.channels.add(this.nodeChannel(options.nodeId));
  }

  get connected(): boolean {
    return this.up;
  }

  async start(): Promise<void> {
    await Promise.all([this.publisher.connect(), this.subscriber.connect()]);
  }

  get allChannel(): string {
    return `${this.options.prefix}:all`;
  }

  roomChannel(roomKey: string): string {
    return `${this.options.prefix}:room:${roomKey}`;
  }

  nodeChannel(nodeId: string): string {
    return `${this.options.prefix}:node:${nodeId}`;
  }

  /** Starts listening to these rooms' channels (from now on, and after every reconnection). */
  listenToRooms(roomKeys: Iterable<string>): void {
    const fresh: string[] = [];
    for (const key of roomKeys) {
      const channel = this.roomChannel(key);
      if (this.channels.has(channel)) continue;
      this.channels.add(channel);
      fresh.push(channel);
    }
    // While Redis is away, the next 'ready' subscribes them with the rest.
    if (fresh.length > 0 && this.up) this.subscribe(fresh).catch(() => {});
  }

  /** Publishes without waiting; a publication that cannot go is dropped and counted. */
  publish(channel: string, envelope: Envelope): void {
    const counters = this.counters;
    if (!this.up || counters.pending >= this.options.maxPending) {
      counters.dropped++;
      return;
    }
    counters.pending++;
    this.publisher.publish(channel, JSON.stringify(envelope)).then(
      () => {
        counters.pending--;
        counters.published++;
      },
      () => {
        counters.pending--;
        counters.dropped++;
      },
    );
  }

  async stop(): Promise<void> {
    this.up = false;
    this.subscriber.disconnect();
    await this.publisher.quit().catch(() => this.publisher.disconnect());
  }

  private async ready(): Promise<void> {
    try {
      await this.subscribe([...this.channels]);
    } catch (error) {
      this.down(error as Error);
      return;
    }
    this.up = true;
    this.options.onReady();
  }

  private async subscribe(channels: string[]): Promise<void> {
    // In slices: one SUBSCRIBE of 100,000 channels is one huge command and reply.
    for (let i = 0; i < channels.length; i += 1000) {
      await this.subscriber.subscribe(...channels.slice(i, i + 1000));
    }
  }

  private down(error: Error | undefined): void {
    if (!this.up && error === undefined) return;
    const wasUp = this.up;
    this.up = false;
    if (wasUp) this.options.onDown(error);
  }

  private received(channel: string, payload: string): void {
    const envelope = decodeEnvelope(payload);
    if (typeof envelope === 'string') {
      this.counters.malformed++;
      this.options.onMalformed(channel, envelope);
      return;
    }
    if (envelope.node === this.options.nodeId) return;
    this.counters.received++;
    this.options.onEnvelope(envelope);
  }
}

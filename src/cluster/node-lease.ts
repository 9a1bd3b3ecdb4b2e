import type { Redis } from 'ioredis';
import { checkNoKeyPrefix, clusterKeys, defineScript, randomToken } from './redis-common.js';

/** Whether Redis answers this node's refreshes, for health checks. */
export type LeaseState = 'up' | 'down';

export interface NodeLeaseOptions {
  /**
   * Give it CLUSTER_CLIENT_OPTIONS, or at least a `commandTimeout`: a refresh waits for the
   * one before it, so without one a Redis that hangs (rather than refusing connections)
   * leaves the lease unrefreshed until it answers. `holds()` goes false after `ttlMs` anyway.
   */
  redis: Redis;
  prefix: string;
  /** Unique among the running nodes: a second process with the same name fails to start. */
  nodeName: string;
  /** How long the lease outlives its last refresh, in Redis and by this process's clock, ms. */
  ttlMs?: number;
  refreshMs?: number;
  /**
   * The lease is gone: expired, deleted, taken over, or not refreshed for `ttlMs`. Other nodes
   * may take this node's nicknames from now on. Called once per loss; the lease then takes a
   * new incarnation by itself as soon as Redis lets it, and `holds()` is true again.
   */
  onLost?: (reason: string) => void;
  /** Redis lost its data (the epoch changed): put back this node's nicknames and members. */
  onRestarted?: () => void;
  /**
   * The lease lapsed (Redis was out of reach that long) but no node announced this one's
   * users gone: it was taken again. Nicknames may have been claimed meanwhile.
   */
  onRetaken?: () => void;
  /** Redis stopped or started answering the refreshes. */
  onState?: (state: LeaseState) => void;
  // The callbacks run in the refresh timer: one that throws is a bug that ends the process.
}

export const LEASE_DEFAULTS = { ttlMs: 15_000, refreshMs: 5_000 } as const;

type RefreshStatus = 'held' | 'retaken' | 'restarted' | 'expired' | 'taken';

/**
 * KEYS: epoch, lease, reaped marker. ARGV: the epoch we knew, our token, ttl, a fresh epoch
 * token in case there is none, 'keep' or 'take', and in 'take' our previous token, which we
 * may replace. With an unknown epoch everything we had is gone, so a missing lease is ours to
 * set again rather than lost; the caller compares the epoch it gets back to know that Redis
 * restarted. A lease that lapsed while the epoch held is lost only if another node announced
 * this one's users gone (the marker): if none did (Redis, not this node, was unreachable),
 * nothing was done about it and the node goes on, taking it again ('retaken').
 */
const REFRESH = `
redis.call('SET', KEYS[1], ARGV[4], 'NX')
local epoch = redis.call('GET', KEYS[1])
local restarted = epoch ~= ARGV[1]
local holder = redis.call('GET', KEYS[2])
local status = 'held'
if holder == ARGV[2] then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
elseif ARGV[5] == 'take' and (not holder or holder == ARGV[6]) then
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  redis.call('DEL', KEYS[3])
elseif holder then
  return {'taken', epoch}
elseif redis.call('EXISTS', KEYS[3]) == 1 then
  -- Even in a Redis that restarted: another node has announced this one lost since.
  return {'expired', epoch}
else
  redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
  status = 'retaken'
end
if restarted then return {'restarted', epoch} end
return {status, epoch}
`;

/**
 * KEYS: a node's lease, its reaped marker. Marks the node as announced gone, unless its lease
 * is back: atomic with the node's own refresh, so either it goes on or it learns it was lost.
 */
const MARK_REAPED = `
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('SET', KEYS[2], '1', 'EX', 86400)
return 1
`;

/** ARGV: our token, and the one we were taking, if any (a refresh may have set it). */
const DELETE_IF_OURS = `
local holder = redis.call('GET', KEYS[1])
if holder and (holder == ARGV[1] or holder == ARGV[2]) then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * This node's lease in Redis: while it lives, the nicknames claimed under this node's
 * incarnation are its own; once it expires, other nodes may take them. Redis keeps nothing
 * on disk, so a Redis restart is told apart from an expired lease by the epoch key.
 */
export class NodeLease {
  readonly nodeName: string;
  readonly ttlMs: number;
  readonly refreshMs: number;
  private readonly key: string;
  private readonly epochKey: string;
  private readonly refreshScript: (...args: Array<string | number>) => Promise<unknown>;
  private readonly deleteScript: (...args: Array<string | number>) => Promise<unknown>;
  private readonly markScript: (...args: Array<string | number>) => Promise<unknown>;
  private readonly reapedKey: string;
  private token = randomToken();
  /** While lost, the incarnation the refreshes try to take; kept across attempts. */
  private nextToken: string | undefined;
  private epoch = '';
  /** performance.now() when the last refresh that found the lease ours was sent. */
  private lastHeldAt = Number.NEGATIVE_INFINITY;
  private lost = false;
  private running = false;
  private refreshing = false;
  private current: LeaseState = 'up';
  /** Bumped at each loss: what a refresh sent before it says is no longer news. */
  private generation = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: NodeLeaseOptions) {
    checkNoKeyPrefix(options.redis);
    this.nodeName = options.nodeName;
    this.ttlMs = options.ttlMs ?? LEASE_DEFAULTS.ttlMs;
    this.refreshMs = options.refreshMs ?? LEASE_DEFAULTS.refreshMs;
    if (this.refreshMs >= this.ttlMs) throw new Error('the lease must be refreshed before its ttl');
    this.key = clusterKeys.node(options.prefix, options.nodeName);
    this.epochKey = clusterKeys.epoch(options.prefix);
    this.refreshScript = defineScript(options.redis, 'lease_refresh', 3, REFRESH);
    this.deleteScript = defineScript(options.redis, 'lease_delete', 1, DELETE_IF_OURS);
    this.markScript = defineScript(options.redis, 'lease_mark_reaped', 2, MARK_REAPED);
    this.reapedKey = clusterKeys.reaped(options.prefix, options.nodeName);
  }

  /** This process's token for the lease; a new one after each loss. */
  get incarnation(): string {
    return this.token;
  }

  get state(): LeaseState {
    return this.current;
  }

  /**
   * Whether this node may act for its users. By the local monotonic clock, so it turns false
   * when the lease may have expired in Redis even if Redis has not said so (it cannot be
   * reached, or this process was stopped).
   */
  holds(): boolean {
    return this.running && !this.lost && performance.now() - this.lastHeldAt < this.ttlMs;
  }

  async start(): Promise<void> {
    if (this.running) throw new Error('the lease is already started');
    const sentAt = performance.now();
    const [status, epoch] = await this.runRefresh(this.token, 'take', '');
    if (status === 'taken') {
      throw new Error(
        `another node named ${this.nodeName} is running (${this.key} holds another incarnation)`,
      );
    }
    this.epoch = epoch;
    this.lastHeldAt = sentAt;
    this.running = true;
    this.timer = setInterval(() => this.tick(), this.refreshMs);
    this.timer.unref();
  }

  /** Gives the lease up, so other nodes may take this node's nicknames at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.timer);
    try {
      await this.deleteScript(this.key, this.token, this.nextToken ?? '');
    } catch {
      // Redis is away: the lease expires by itself.
    }
  }

  /**
   * Renews now rather than at the next refresh: the client is connected again, and Redis may
   * have restarted empty. Until this node has its lease (and, after a restart, its users'
   * nicknames) back in Redis it can grant no nickname, and another node may grant theirs.
   */
  refreshNow(): void {
    if (this.running) this.tick();
  }

  /** Node name → incarnation of every node whose lease has not expired. */
  async liveNodes(): Promise<Map<string, string>> {
    const before = clusterKeys.node(this.options.prefix, '');
    const pattern = `${escapeGlob(before)}*`;
    const keys = new Set<string>();
    let cursor = '0';
    do {
      const [next, batch] = await this.options.redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
      // SCAN may return a key more than once.
      for (const key of batch) keys.add(key);
      cursor = next;
    } while (cursor !== '0');
    const nodes = new Map<string, string>();
    const all = [...keys];
    for (let i = 0; i < all.length; i += 500) {
      const chunk = all.slice(i, i + 500);
      const tokens = await this.options.redis.mget(chunk);
      for (const [j, token] of tokens.entries()) {
        // Expired between the SCAN and the MGET.
        if (token !== null) nodes.set(chunk[j]!.slice(before.length), token);
      }
    }
    return nodes;
  }

  /**
   * Marks another node, whose lease is gone, as announced lost: true if this call did (its
   * users may be announced gone now), false if its lease is back.
   */
  async markReaped(nodeName: string): Promise<boolean> {
    const { prefix } = this.options;
    const marked = await this.markScript(
      clusterKeys.node(prefix, nodeName),
      clusterKeys.reaped(prefix, nodeName),
    );
    return marked === 1;
  }

  private tick(): void {
    // Past the TTL without a refresh, holds() is false and no nickname is claimed; whether
    // the lease is lost is for Redis to say once it answers (see REFRESH).
    if (!this.lost && performance.now() - this.lastHeldAt >= this.ttlMs) this.setState('down');
    // One at a time: refreshes queued behind a slow Redis would only pile up.
    if (this.refreshing) return;
    this.refreshing = true;
    void this.refresh().finally(() => {
      this.refreshing = false;
    });
  }

  private async refresh(): Promise<void> {
    const generation = this.generation;
    const taking = this.lost;
    if (taking) this.nextToken ??= randomToken();
    const token = taking ? this.nextToken! : this.token;
    const sentAt = performance.now();
    let status: RefreshStatus;
    let epoch: string;
    try {
      [status, epoch] = await this.runRefresh(token, taking ? 'take' : 'keep', this.token);
    } catch {
      // Never out of the timer: the next tick tries again, and the clock decides the loss.
      if (this.running) this.setState('down');
      return;
    }
    if (!this.running) return;
    this.setState('up');
    if (generation !== this.generation) return;
    if (status === 'expired' || status === 'taken') {
      // While taking, a live process with our name holds it: onLost was already called.
      if (!taking) {
        this.lose(
          status === 'taken'
            ? `another process named ${this.nodeName} took the lease`
            : 'the lease lapsed, and another node announced this one lost',
        );
      }
      return;
    }
    this.lastHeldAt = sentAt;
    if (taking) {
      this.token = token;
      this.nextToken = undefined;
      this.lost = false;
    }
    if (status === 'restarted') {
      this.epoch = epoch;
      this.options.onRestarted?.();
    } else if (status === 'retaken') {
      this.options.onRetaken?.();
    }
  }

  private async runRefresh(
    token: string,
    mode: 'keep' | 'take',
    previous: string,
  ): Promise<[RefreshStatus, string]> {
    const reply = await this.refreshScript(
      this.epochKey,
      this.key,
      this.reapedKey,
      this.epoch,
      token,
      this.ttlMs,
      randomToken(),
      mode,
      previous,
    );
    return reply as [RefreshStatus, string];
  }

  private lose(reason: string): void {
    this.lost = true;
    this.generation++;
    this.options.onLost?.(reason);
  }

  private setState(state: LeaseState): void {
    if (state === this.current) return;
    this.current = state;
    this.options.onState?.(state);
  }
}

/** A prefix may hold characters SCAN's MATCH reads as a pattern. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}

import type { Redis } from 'ioredis';
import type { NickRegistry } from '../core/nick-registry.js';
import type { NodeLease } from './node-lease.js';
import { checkNoKeyPrefix, clusterKeys, defineScript } from './redis-common.js';

/** The registry cannot answer for sure: Redis is unreachable, or this node's lease lapsed. */
export class NickRegistryUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'NickRegistryUnavailable';
  }
}

export interface RedisNickRegistryOptions {
  /** Set up with CLUSTER_CLIENT_OPTIONS (any commandTimeout), and ready before first use. */
  redis: Redis;
  prefix: string;
  /** This node's lease: nicknames are claimed under its name and current incarnation. */
  lease: NodeLease;
  /** When a claim was made, ms since the epoch; compared across nodes by `reassert`. */
  now?: () => number;
}

export interface NickHolder {
  owner: string;
  node: string;
  at: number;
}

export interface NickClaim {
  key: string;
  owner: string;
  at: number;
}

const NO_LEASE = 'NOLEASE';

/**
 * Shared by the scripts: ARGV[1] is the start of a node's lease key. A nickname held under a
 * node whose lease is gone, or holds another incarnation, belongs to nobody.
 */
const ALIVE = `
local function alive(node, inc)
  return node and inc and redis.call('GET', ARGV[1] .. node) == inc
end
`;

const LEASE_CHECK = `
if redis.call('GET', KEYS[1]) ~= ARGV[3] then
  return redis.error_reply('${NO_LEASE} this node does not hold its lease in Redis')
end
`;

/** KEYS: our lease, the nickname. ARGV: lease key start, node, inc, owner, at. */
const CLAIM = `${ALIVE}${LEASE_CHECK}
local held = redis.call('HMGET', KEYS[2], 'owner', 'node', 'inc')
if held[1] and alive(held[2], held[3]) then
  if held[1] == ARGV[4] then return 1 end
  return 0
end
redis.call('HSET', KEYS[2], 'owner', ARGV[4], 'node', ARGV[2], 'inc', ARGV[3], 'at', ARGV[5])
return 1
`;

/** KEYS: the nickname. ARGV: owner. */
const RELEASE = `
if redis.call('HGET', KEYS[1], 'owner') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** KEYS: the nickname. ARGV: lease key start. */
const HOLDER = `${ALIVE}
local held = redis.call('HMGET', KEYS[1], 'owner', 'node', 'inc', 'at')
if held[1] and alive(held[2], held[3]) then return {held[1], held[2], held[4] or '0'} end
return false
`;

/**
 * KEYS: our lease, then nicknames. ARGV: lease key start, node, inc, then owner and at for
 * each nickname. Returns the positions (from 1) of the nicknames lost to an earlier claim.
 */
const REASSERT = `${ALIVE}${LEASE_CHECK}
local lost = {}
for i = 2, #KEYS do
  local owner, stamp = ARGV[2 * i], ARGV[2 * i + 1]
  local at = tonumber(stamp)
  local held = redis.call('HMGET', KEYS[i], 'owner', 'node', 'inc', 'at')
  local live = held[1] and alive(held[2], held[3])
  if not (live and held[1] == owner) then
    local theirs = live and (tonumber(held[4]) or 0)
    if not live or at < theirs or (at == theirs and ARGV[2] < held[2]) then
      redis.call('HSET', KEYS[i], 'owner', owner, 'node', ARGV[2], 'inc', ARGV[3], 'at', stamp)
    else
      lost[#lost + 1] = i - 1
    end
  end
end
return lost
`;

/** How many claims one reassert script takes: each batch blocks Redis while it runs. */
const REASSERT_BATCH = 500;

/**
 * Nicknames shared by every node through Redis: a nickname belongs to whoever claimed it for
 * as long as the claiming node's lease lives in the same incarnation. A node that dies or
 * restarts leaves its nicknames free without anyone deleting them.
 */
export class RedisNickRegistry implements NickRegistry {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly lease: NodeLease;
  private readonly now: () => number;
  private readonly leaseKeyStart: string;
  private readonly scripts;

  constructor(options: RedisNickRegistryOptions) {
    checkClient(options.redis);
    this.redis = options.redis;
    this.prefix = options.prefix;
    this.lease = options.lease;
    this.now = options.now ?? Date.now;
    this.leaseKeyStart = clusterKeys.node(options.prefix, '');
    this.scripts = {
      claim: defineScript<number>(this.redis, 'nick_claim', 2, CLAIM),
      release: defineScript<number>(this.redis, 'nick_release', 1, RELEASE),
      holder: defineScript<[string, string, string] | null>(this.redis, 'nick_holder', 1, HOLDER),
      reassert: defineScript<number[]>(this.redis, 'nick_reassert', undefined, REASSERT),
    };
  }

  /**
   * Rejects with NickRegistryUnavailable unless this node holds its lease, here and in Redis.
   * A claim that got no answer is undone, so an owner claiming a nickname it already holds
   * may lose it that way (the core never does: it claims only nicknames it has not got).
   */
  async claim(key: string, owner: string): Promise<boolean> {
    const inc = this.incarnation();
    const sent = this.redis.status === 'ready';
    try {
      const reply = await this.scripts.claim(
        this.leaseKey(),
        this.nickKey(key),
        this.leaseKeyStart,
        this.lease.nodeName,
        inc,
        owner,
        this.now(),
      );
      return reply === 1;
    } catch (error) {
      // A claim that timed out may still run. Undo it behind it, on the same connection, so the
      // nickname is not left held for a member that was told it could not have it.
      if (sent) this.release(key, owner).catch(() => {});
      throw unavailable(error);
    }
  }

  async release(key: string, owner: string): Promise<void> {
    try {
      await this.scripts.release(this.nickKey(key), owner);
    } catch (error) {
      throw unavailable(error);
    }
  }

  /** Who holds `key` now; undefined if it is free or its holder's node is dead. */
  async holder(key: string): Promise<NickHolder | undefined> {
    let reply: [string, string, string] | null;
    try {
      reply = await this.scripts.holder(this.nickKey(key), this.leaseKeyStart);
    } catch (error) {
      throw unavailable(error);
    }
    if (reply === null) return undefined;
    const [owner, node, at] = reply;
    return { owner, node, at: Number(at) };
  }

  /**
   * Puts this node's claims back after Redis lost them (the lease's onRestarted), keeping
   * their times. Where another live node has claimed a nickname meanwhile, the earlier claim
   * wins (ties: the smaller node name); returns the keys this node lost. Only for after a
   * restart: after the lease was lost, other nodes took free nicknames fairly, so claim again.
   */
  async reassert(claims: readonly NickClaim[]): Promise<string[]> {
    const lost: string[] = [];
    for (let i = 0; i < claims.length; i += REASSERT_BATCH) {
      const batch = claims.slice(i, i + REASSERT_BATCH);
      const inc = this.incarnation();
      const keys = [this.leaseKey(), ...batch.map((claim) => this.nickKey(claim.key))];
      const args = [this.leaseKeyStart, this.lease.nodeName, inc];
      for (const claim of batch) args.push(claim.owner, String(claim.at));
      let positions: number[];
      try {
        positions = await this.scripts.reassert(keys.length, ...keys, ...args);
      } catch (error) {
        throw unavailable(error);
      }
      for (const position of positions) lost.push(batch[position - 1]!.key);
    }
    return lost;
  }

  private incarnation(): string {
    if (!this.lease.holds()) {
      throw new NickRegistryUnavailable(
        `node ${this.lease.nodeName} does not hold its lease: it may no longer own its nicknames`,
      );
    }
    return this.lease.incarnation;
  }

  private leaseKey(): string {
    return clusterKeys.node(this.prefix, this.lease.nodeName);
  }

  private nickKey(key: string): string {
    return clusterKeys.nick(this.prefix, key);
  }
}

function checkClient(redis: Redis): void {
  checkNoKeyPrefix(redis);
  const { enableOfflineQueue, autoResendUnfulfilledCommands, commandTimeout } = redis.options;
  if (
    enableOfflineQueue !== false ||
    autoResendUnfulfilledCommands !== false ||
    commandTimeout === undefined
  ) {
    throw new Error(
      'RedisNickRegistry needs a client with enableOfflineQueue: false, ' +
        'autoResendUnfulfilledCommands: false and a commandTimeout (CLUSTER_CLIENT_OPTIONS), ' +
        'or a Redis that is away makes claims wait instead of failing',
    );
  }
}

function unavailable(error: unknown): NickRegistryUnavailable {
  if (error instanceof NickRegistryUnavailable) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (message.startsWith(NO_LEASE)) {
    return new NickRegistryUnavailable(message.slice(NO_LEASE.length + 1), { cause: error });
  }
  return new NickRegistryUnavailable(`the nickname registry is unavailable: ${message}`, {
    cause: error,
  });
}

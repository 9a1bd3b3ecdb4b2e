import { randomBytes } from 'node:crypto';
import type { Redis, RedisOptions } from 'ioredis';

/**
 * Where the cluster keeps things in Redis. Every node must use the same prefix, and the
 * client must not set ioredis's own `keyPrefix`: scripts build some key names themselves
 * (a nickname's holder's lease) and SCAN patterns are not prefixed by ioredis, so a second
 * prefix would make nodes look dead to each other.
 */
export const clusterKeys = {
  /** No TTL; a new token means Redis lost everything since a node last looked. */
  epoch: (prefix: string) => `${prefix}:epoch`,
  /** A node's lease: its incarnation token, with a TTL. */
  node: (prefix: string, nodeName: string) => `${prefix}:node:${nodeName}`,
  /**
   * Set by a node that announced this node's users gone after its lease lapsed: the node, if
   * it comes back, must not go on as if nothing happened. Deleted when it takes a new lease.
   */
  reaped: (prefix: string, nodeName: string) => `${prefix}:reaped:${nodeName}`,
  /** A nickname's hash: owner, node, inc, at. */
  nick: (prefix: string, nickKey: string) => `${prefix}:nick:${nickKey}`,
};

/**
 * What the cluster's Redis clients should have, and the nickname registry's must. Without
 * the offline queue a command fails at once while the connection is down instead of waiting
 * for it; the timeout bounds a Redis that accepts commands but does not answer. Commands cut
 * off by a disconnection must not be sent again on reconnect either (ioredis does by
 * default, even those it already rejected as timed out): a claim its caller was told had
 * failed would then go through, holding a nickname for nobody. Such a client fails every
 * command until it is connected: wait for it (`lazyConnect` and `await connect()`).
 */
export const CLUSTER_CLIENT_OPTIONS = {
  enableOfflineQueue: false,
  autoResendUnfulfilledCommands: false,
  commandTimeout: 1_000,
} as const satisfies RedisOptions;

export function checkNoKeyPrefix(redis: Redis): void {
  if (redis.options.keyPrefix) {
    throw new Error(
      'the cluster builds its own key names: give it a Redis client without keyPrefix',
    );
  }
}

/** What a script's arguments may be: ioredis sends both as bulk strings. */
export type ScriptArg = string | number;

/**
 * A Lua script through ioredis's defineCommand, which sends EVAL the first time on each
 * connection and EVALSHA after: a Redis that restarted has forgotten its scripts, and the new
 * connection to it loads them again without a NOSCRIPT round trip.
 */
export function defineScript<Reply>(
  redis: Redis,
  name: string,
  /** undefined: the first argument of each call says how many keys follow. */
  numberOfKeys: number | undefined,
  lua: string,
): (...args: ScriptArg[]) => Promise<Reply> {
  // Named after us: the client may be shared, and defineCommand adds a method to it.
  const command = `chatroom_${name}`;
  redis.defineCommand(command, { numberOfKeys, lua });
  const run = (redis as unknown as Record<string, (...args: ScriptArg[]) => Promise<Reply>>)[
    command
  ]!;
  return (...args) => run.apply(redis, args);
}

/** A random token: an incarnation or an epoch. */
export function randomToken(): string {
  return randomBytes(12).toString('base64url');
}

import type { Logger } from '../log.js';
import type { FloodOptions } from '../net/flood.js';
import type { OperatorConfig } from '../operators/book.js';
import type { SqliteSynchronous } from '../store/sqlite/sqlite-store.js';

/*
 * What startServer is given: the settings table (settings.ts) fills it from flags, the
 * environment and a config file (defaults.ts); tests build it by hand. Types only, so that
 * anything may import them without importing the server.
 */

export type StoreConfig =
  | { kind: 'sqlite'; dataDir: string; synchronous: SqliteSynchronous; walLimitBytes?: number }
  /** schema: a PostgreSQL schema of its own, created if absent (tests use one each). */
  | { kind: 'postgres'; url: string; schema?: string; queryTimeoutMs?: number }
  | { kind: 'memory' };

/** Several nodes as one chat (src/cluster, docs/cluster.md); absent, the server runs alone. */
export interface ClusterConfig {
  redisUrl: string;
  /** This node's name; unique among the running nodes. */
  nodeId: string;
  /** Of every Redis key and channel. */
  prefix: string;
  /** How long the node's lease lasts unrenewed (renewed every third of it). */
  leaseMs: number;
  /** How often delivered ids are compared with the store's. */
  checkIntervalMs: number;
  /** Publications that may wait for Redis before more are dropped. */
  maxPending: number;
}

export interface RetentionConfig {
  /** Days a message is kept; 0 keeps them for ever. */
  days: number;
  /** Messages kept per room or conversation; 0 keeps them all. */
  maxPerRoom: number;
  /** How often the background pruning runs. */
  intervalMs: number;
}

// ---- rooms and nicknames limits ----
export interface RoomsConfig {
  /** New rooms one connection may create a minute (0: no limit)... */
  perMinute: number;
  /** ...and at once. */
  burst: number;
  /** Rooms the server holds at most; 0: no limit. */
  max: number;
  /** Nickname changes one connection may make a minute (0: no limit)... */
  nickChangesPerMinute: number;
  /** ...and at once. */
  nickChangeBurst: number;
  /** How long a room without members or messages lasts; 0 keeps rooms for ever. */
  expiryMs: number;
  /** Rooms with more members than this summarize joins and parts every summaryMs; 0: never. */
  summarizeJoinsAbove: number;
  /** Rooms with more members than this (and summarizeJoinsAbove) are quiet: summaries alone. */
  summarizeAllJoinsAbove: number;
  summaryMs: number;
}
// ---- end of rooms and nicknames limits ----

export interface ServerConfig {
  host: string;
  /** null disables the door; 0 lets the system pick a port. */
  linePort: number | null;
  framedPort: number | null;
  /** The web client and the WebSocket API. */
  httpPort: number | null;
  /** Origins browsers may open the WebSocket from; undefined: the page's own only. */
  allowedOrigins?: readonly string[] | undefined;
  /** Host names the HTTP door answers besides localhost and this machine's; '*' any. */
  publicHosts?: readonly string[] | undefined;
  /** The built web client; defaults to dist/web of this package. */
  webRoot?: string;
  ircPort: number | null;
  /** The name the server gives itself on IRC (prefix of its messages, 004, PONG, WHOIS). */
  serverName: string;
  /** An IRC client silent this long is pinged... */
  ircPingIntervalMs: number;
  /** ...and dropped if it still says nothing this long after. */
  ircPingTimeoutMs: number;
  /** The IRC message of the day; empty sends 422 (no MOTD). */
  ircMotd: readonly string[];
  /** The password IRC clients must PASS to register; undefined: none. */
  ircPassword?: string | undefined;
  /** Server operators, from the config file only (src/config/operators.ts); none if absent. */
  operators?: readonly OperatorConfig[] | undefined;
  /** The key of host cloaks; undefined: the one the store keeps. */
  cloakSecret?: string | undefined;
  /** WebSocket clients are pinged this often and dropped if silent a whole interval after. */
  wsHeartbeatMs?: number;
  maxLineBytes: number;
  maxQueueBytes: number;
  /** How long a client may stay more than maxQueueBytes behind before it is dropped. */
  slowClientTimeoutMs: number;
  nickTimeoutMs: number;
  /** How long shutdown waits for clients to take their last bytes. */
  shutdownGraceMs: number;
  store: StoreConfig;
  cluster?: ClusterConfig;
  historyOnJoin: number;
  retention: RetentionConfig;
  /** Messages that may wait to be stored (say, while PostgreSQL is away) before senders are refused. */
  maxPendingWrites: number;
  /** Room creation, room count, room expiry and nickname change limits. */
  rooms: RoomsConfig;
  log: Logger;

  // ---- Limits against floods (src/net/flood.ts, src/net/per-ip.ts; docs/operations.md) ----
  /** Addresses and CIDR blocks spared every limit below; loopback by default. */
  limitsExempt: readonly string[];
  /** Flood control per connection; perSecond 0 turns it off. */
  flood: FloodOptions;
  /** Connections open at once per IPv4 address or IPv6 /64; 0: no limit. */
  maxConnectionsPerIp: number;
  /** New connections per address per minute; 0: no limit. */
  maxNewConnectionsPerIp: number;
  /** Connections without a nickname yet, per address; 0: no limit. */
  maxUnregisteredPerIp: number;
}

/** The defaults, from the settings table (src/config/settings.ts). */

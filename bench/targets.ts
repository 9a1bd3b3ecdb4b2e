/**
 * What the scenarios run against: a server process and the door its clients use. Each
 * chatroom door is measured beside the baseline it is compared with. Adding a front door to the
 * benchmark: its client side in bench/doors.ts, its port in bench/server-worker.ts, and a line
 * here, e.g.
 *
 *   { name: 'chatroom ws', server: 'chatroom', door: 'json-ws', baseline: 'ws baseline', goals },
 */
export type ServerKind =
  | 'chatroom'
  | 'chatroom-memory'
  /** SQLite, with the lobby moderated and 1,000 bans (bench/moderation.ts). */
  | 'chatroom-moderated'
  /** SQLite, with 50 messages in the lobby that every joiner is replayed (bench/lobby-history.ts). */
  | 'chatroom-replay'
  | 'chatroom-postgres'
  | 'line-baseline'
  | 'ws-baseline'
  /** ngIRCd on a generated config (bench/ngircd-server.ts): the IRC issue's peer. */
  | 'ngircd';

/** What a chatroom door must reach; a figure without a goal is reported, not judged. */
export interface Goals {
  fanoutDeliveries: number;
  /** Room sizes the fan-out goal holds at. */
  fanoutAt: readonly number[];
  deliveryP99Ms?: number;
  everyoneP50Ms?: number;
  /** RSS growth per idle connection at 10,000 connections, no forced GC, in bytes. */
  rssPerConnection?: number;
  /** A join storm of 10,000 (GOAL.joinClients). */
  joinMs?: number;
  /** Fan-out at least `times` the peer's (Target.peer) at `at` clients. */
  fanoutOverPeer?: ReadonlyArray<{ at: number; times: number }>;
}

/**
 * The issue "Benchmarks" for the line door; the IRC issue holds its door to the same, and
 * both doors to 2.6× ngIRCd's fan-out at 100 clients and 3× at 1,000 (issue 15, goal 3).
 */
const LINE_GOALS: Goals = {
  fanoutDeliveries: 5_000_000,
  fanoutAt: [100, 1_000],
  deliveryP99Ms: 12,
  everyoneP50Ms: 8,
  rssPerConnection: 6 * 1024,
  joinMs: 10_000,
  fanoutOverPeer: [
    { at: 100, times: 2.6 },
    { at: 1_000, times: 3 },
  ],
};

/**
 * The browser issue's: 10x a naive ws broadcast's fan-out; issue 15's memory and join storm
 * goals hold for every door.
 */
const WS_GOALS: Goals = {
  fanoutDeliveries: 1_000_000,
  fanoutAt: [100],
  rssPerConnection: 6 * 1024,
  joinMs: 10_000,
};

export interface Target {
  name: string;
  server: ServerKind;
  door: string;
  /** The target whose figures this one's are divided by. */
  baseline?: string;
  /** Another target this one is compared with as well: a real server doing the same job. */
  peer?: string;
  goals?: Goals;
  /**
   * chatroom-postgres only: how many nodes, each a process of its own; more than one share
   * the room through Redis. Client i connects to node i mod nodes.
   */
  nodes?: number;
}

export const NGIRCD = 'ngIRCd';

/** In the order they run within each round: baselines first, then chatroom's doors. */
export const TARGETS: readonly Target[] = [
  { name: 'line baseline', server: 'line-baseline', door: 'line' },
  { name: 'ws baseline', server: 'ws-baseline', door: 'ws' },
  // A peer, not a baseline: clients speak the IRC door's IRC to it (bench/ngircd-server.ts).
  { name: NGIRCD, server: 'ngircd', door: 'irc' },
  {
    name: 'chatroom line',
    server: 'chatroom',
    door: 'line',
    baseline: 'line baseline',
    peer: NGIRCD,
    goals: LINE_GOALS,
  },
  {
    name: 'chatroom ws',
    server: 'chatroom',
    door: 'json-ws',
    baseline: 'ws baseline',
    goals: WS_GOALS,
  },
  // The IRC door has the line door's targets, so it is measured against the same baseline.
  {
    name: 'chatroom irc',
    server: 'chatroom',
    door: 'irc',
    baseline: 'line baseline',
    peer: NGIRCD,
    goals: LINE_GOALS,
  },
];

/**
 * Memory (issue 15, goal 5) is also read in a room whose 50 latest messages every joiner is
 * replayed, on each chatroom door, judged by the same goal.
 */
export const REPLAY_TARGETS: readonly Target[] = TARGETS.filter(
  (target) => target.server === 'chatroom',
).map((target) => ({ ...target, name: `${target.name}, 50 replayed`, server: 'chatroom-replay' }));

/** The history comparison: the same line door, the SQLite store against the memory store. */
export const HISTORY_TARGETS: readonly Target[] = [
  { name: 'chatroom line, sqlite', server: 'chatroom', door: 'line' },
  { name: 'chatroom line, memory', server: 'chatroom-memory', door: 'line' },
];

/** Enforcement: the line door in a plain lobby and in a moderated one with a long ban list. */
export const MODERATION_TARGETS: readonly Target[] = [
  { name: 'chatroom line, plain lobby', server: 'chatroom', door: 'line' },
  { name: 'chatroom line, +m and 1,000 bans', server: 'chatroom-moderated', door: 'line' },
];

/**
 * The cluster comparison (bench/cluster.ts): the line door with history in PostgreSQL, one
 * node alone against two sharing the room through Redis.
 */
export const CLUSTER_TARGETS: readonly Target[] = [
  { name: 'one node, PostgreSQL', server: 'chatroom-postgres', door: 'line', nodes: 1 },
  {
    name: 'two nodes, PostgreSQL + Redis',
    server: 'chatroom-postgres',
    door: 'line',
    nodes: 2,
    baseline: 'one node, PostgreSQL',
  },
];

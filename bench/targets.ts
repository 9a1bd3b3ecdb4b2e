/**
 * What the scenarios run against: a server process and the door its clients use. Each
 * chatroom door is measured beside the baseline it is compared with. Adding a front door to the
 * benchmark: its client side in bench/doors.ts, its port in bench/server-worker.ts, and a line
 * here, e.g.
 *
 *   { name: 'chatroom ws', server: 'chatroom', door: 'ws', baseline: 'ws baseline' },
 */
export type ServerKind = 'chatroom' | 'chatroom-memory' | 'line-baseline' | 'ws-baseline';

export interface Target {
  name: string;
  server: ServerKind;
  door: string;
  /** The target whose figures this one's are divided by. */
  baseline?: string;
}

/** In the order they run within each round: baselines first, then chatroom's doors. */
export const TARGETS: readonly Target[] = [
  { name: 'line baseline', server: 'line-baseline', door: 'line' },
  { name: 'ws baseline', server: 'ws-baseline', door: 'ws' },
  { name: 'chatroom line', server: 'chatroom', door: 'line', baseline: 'line baseline' },
  { name: 'chatroom ws', server: 'chatroom', door: 'json-ws', baseline: 'ws baseline' },
  // The IRC door has the line door's targets, so it is measured against the same baseline.
  { name: 'chatroom irc', server: 'chatroom', door: 'irc', baseline: 'line baseline' },
];

/** The history comparison: the same line door, the SQLite store against the memory store. */
export const HISTORY_TARGETS: readonly Target[] = [
  { name: 'chatroom line, sqlite', server: 'chatroom', door: 'line' },
  { name: 'chatroom line, memory', server: 'chatroom-memory', door: 'line' },
];

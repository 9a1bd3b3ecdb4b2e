import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { spawnServe } from './spawned-server.js';
import { freshSchema, TEST_DATABASE_URL } from './stores.js';

/** The doors every test node opens, each on a port of its own (port 0). */
const DOORS = ['line', 'framed', 'http', 'irc'] as const;
export type Door = (typeof DOORS)[number];

export interface ClusterNode {
  readonly name: string;
  readonly child: ChildProcessWithoutNullStreams;
  readonly ports: Record<Door, number>;
  readonly exited: Promise<number | null>;
  stderr(): string;
}

/** What one node may have of its own. */
export interface NodeOptions {
  /** More flags, after the cluster's. */
  args?: readonly string[];
  /** Its way to PostgreSQL, if not the cluster's: a relay, say (see `viaPort`). */
  databaseUrl?: string;
  /** Its way to Redis, if not the cluster's: a proxy, say. */
  redisUrl?: string;
}

export interface TestCluster {
  /** One PostgreSQL schema (URL with its search_path) and one key prefix, shared by the nodes. */
  databaseUrl: string;
  prefix: string;
  redisUrl: string;
  nodes: ClusterNode[];
  /** Starts one more node of this cluster (or one named like a node that was stopped). */
  start(name: string, options?: NodeOptions): Promise<ClusterNode>;
}

/**
 * Starts `count` nodes of one cluster as processes of their own, every door on port 0, one
 * PostgreSQL schema and one Redis key prefix of their own (so tests sharing a Redis do not
 * meet). Every node is killed after the test.
 */
export async function startCluster(
  redisUrl: string,
  count: number,
  extraArgs: readonly string[] = [],
): Promise<TestCluster> {
  const schema = freshSchema();
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  await client.end();
  const databaseUrl = `${TEST_DATABASE_URL}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  const cluster: TestCluster = {
    databaseUrl,
    prefix,
    redisUrl,
    nodes: [],
    async start(name, options = {}) {
      const node = await startNode(name, [
        '--database-url',
        options.databaseUrl ?? databaseUrl,
        '--redis-url',
        options.redisUrl ?? redisUrl,
        '--redis-prefix',
        prefix,
        ...extraArgs,
        ...(options.args ?? []),
      ]);
      cluster.nodes.push(node);
      return node;
    },
  };
  // One after the other: the first creates the schema's tables, the others find them.
  for (let i = 1; i <= count; i++) await cluster.start(`n${i}`);
  return cluster;
}

/** The same URL (its database, user and options kept) to a server on 127.0.0.1:`port`. */
export function viaPort(url: string, port: number): string {
  const through = new URL(url);
  through.hostname = '127.0.0.1';
  through.port = String(port);
  return through.toString();
}

async function startNode(name: string, args: readonly string[]): Promise<ClusterNode> {
  const doorArgs = DOORS.flatMap((door) => [`--${door}-port`, '0']);
  const spawned = await spawnServe(['--node-id', name, ...doorArgs, ...args], [], (stdout) => {
    const ports: Partial<Record<Door, number>> = {};
    for (const door of DOORS) {
      const match = new RegExp(`^${door} listening on [\\d.]+:(\\d+)$`, 'm').exec(stdout);
      if (!match) return undefined;
      ports[door] = Number(match[1]);
    }
    return ports as Record<Door, number>;
  });
  return {
    name,
    child: spawned.child,
    ports: spawned.value,
    exited: spawned.exited,
    stderr: spawned.stderr,
  };
}

/**
 * The services a cluster of chatroom nodes stands on, PostgreSQL and Redis, for the cluster
 * part of the benchmark (bench/cluster.ts): whether they answer, a fresh schema and Redis key
 * prefix for each run (removed after it, so that runs neither see each other's history nor
 * leave anything behind), and the CPU time their processes spend for the run, read from /proc
 * (other work on the machine may use the same PostgreSQL and Redis).
 *
 * BENCH_DATABASE_URL and BENCH_REDIS_URL point elsewhere than the local defaults.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Redis } from 'ioredis';
import pg from 'pg';

export const DATABASE_URL =
  process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why the services cannot be used, or undefined when both answer. */
export async function unreachable(): Promise<string | undefined> {
  const reasons: string[] = [];
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    reasons.push(`PostgreSQL at ${DATABASE_URL}: ${String(error)}`);
  } finally {
    await client.end().catch(() => {});
  }
  const redis = freshRedis();
  try {
    await redis.connect();
    await redis.ping();
  } catch (error) {
    reasons.push(`Redis at ${REDIS_URL}: ${String(error)}`);
  } finally {
    redis.disconnect();
  }
  return reasons.length > 0 ? reasons.join('; ') : undefined;
}

function freshRedis(): Redis {
  const redis = new Redis(REDIS_URL, {
    lazyConnect: true,
    connectTimeout: 3000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => {});
  return redis;
}

/** Where one run's nodes keep their history and their keys. */
export interface Namespace {
  /**
   * DATABASE_URL with the run's schema as the search path, as an operator would give it, and
   * the schema's name as the application name, by which the nodes' backends are found.
   */
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  /**
   * CPU time (ms, user + system) used so far by the nodes' PostgreSQL backends, PostgreSQL's
   * own background processes (WAL writer, checkpointer, …) and the Redis server; undefined
   * without /proc, or when PostgreSQL and Redis are not on this machine.
   */
  servicesCpuMs(): Promise<number | undefined>;
  /** Drops the schema and deletes every key under the prefix. */
  drop(): Promise<void>;
}

export async function freshNamespace(): Promise<Namespace> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const monitor = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 3000 });
  let redisPid: number | undefined;
  try {
    await monitor.connect();
    await monitor.query(`CREATE SCHEMA ${name}`);
    redisPid = await redisProcess();
  } catch (error) {
    await monitor.query(`DROP SCHEMA IF EXISTS ${name}`).catch(() => {});
    await monitor.end().catch(() => {});
    throw error;
  }
  const separator = DATABASE_URL.includes('?') ? '&' : '?';
  const options = encodeURIComponent(`-c search_path=${name}`);
  return {
    databaseUrl: `${DATABASE_URL}${separator}application_name=${name}&options=${options}`,
    redisUrl: REDIS_URL,
    prefix: name,
    async servicesCpuMs() {
      // Asked each time: the nodes' pools open and close connections as they need them.
      const { rows } = await monitor.query<{ pid: number }>(
        "SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR backend_type <> 'client backend'",
        [name],
      );
      const pids = rows.map((row) => row.pid);
      if (redisPid !== undefined) pids.push(redisPid);
      return cpuMsOf(pids);
    },
    async drop() {
      try {
        await monitor.query(`DROP SCHEMA IF EXISTS ${name} CASCADE`);
      } finally {
        await monitor.end().catch(() => {});
      }
      const redis = freshRedis();
      try {
        await redis.connect();
        // Leases and nicknames outlive nodes that exit without a graceful stop.
        const keys = await redis.keys(`${name}:*`);
        if (keys.length > 0) await redis.del(...keys);
      } finally {
        redis.disconnect();
      }
    },
  };
}

/** The Redis server's process id, if it runs on this machine. */
async function redisProcess(): Promise<number | undefined> {
  const redis = freshRedis();
  try {
    await redis.connect();
    const info = await redis.info('server');
    const pid = Number(/^process_id:(\d+)/m.exec(info)?.[1]);
    return Number.isInteger(pid) && pidIsLocal(pid, 'redis-server') ? pid : undefined;
  } finally {
    redis.disconnect();
  }
}

function pidIsLocal(pid: number, name: string): boolean {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'latin1').trim() === name;
  } catch {
    return false;
  }
}

const TICKS_PER_SECOND = 100;

/**
 * CPU time (ms, user + system) used so far by these processes. A backend that ends between two
 * readings takes its time with it: the nodes keep theirs open while they work.
 */
function cpuMsOf(pids: readonly number[]): number | undefined {
  let ticks = 0;
  let found = 0;
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    } catch {
      continue; // gone meanwhile, or not on this machine
    }
    found++;
    // After the name (which may hold spaces): state is field 3 of stat(5), utime 14, stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return found > 0 ? (ticks / TICKS_PER_SECOND) * 1000 : undefined;
}

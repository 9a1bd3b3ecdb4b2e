import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis, type RedisOptions } from 'ioredis';
import { CLUSTER_CLIENT_OPTIONS } from '../src/cluster/redis-common.js';

/** A redis-server of the test's own, keeping nothing on disk, as the cluster's Redis does. */
export interface TestRedis {
  url: string;
  port: number;
  /** Kills it for good (afterAll). */
  stop(): Promise<void>;
  /** Sends it a signal: SIGKILL to crash it, SIGSTOP/SIGCONT to hang it and wake it. */
  kill(signal?: NodeJS.Signals): void;
  /** Kills it (-9) and starts an empty one on the same port. */
  restart(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A test file that dies before its afterAll must not leave servers behind.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export async function startRedis(): Promise<TestRedis> {
  let port = 0;
  let child: ChildProcess | undefined;
  // Another process may take the free port between our looking and Redis binding it.
  for (let attempt = 1; child === undefined; attempt++) {
    port = await freePort();
    try {
      child = await launch(port);
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
  const stop = async () => {
    const current = child;
    child = undefined;
    if (current) await killAndWait(current);
  };
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    kill(signal = 'SIGKILL') {
      child?.kill(signal);
    },
    async restart() {
      await stop();
      child = await launch(port);
    },
  };
}

async function launch(port: number): Promise<ChildProcess> {
  const child = spawn(
    'redis-server',
    [
      ...['--port', String(port), '--bind', '127.0.0.1'],
      ...['--save', '', '--appendonly', 'no', '--dir', tmpdir(), '--loglevel', 'warning'],
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  running.add(child);
  let output = '';
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let exited = false;
  child.once('exit', () => {
    exited = true;
    running.delete(child);
  });
  const deadline = Date.now() + 10_000;
  while (!(await pings(port))) {
    if (exited || Date.now() > deadline) {
      await killAndWait(child);
      throw new Error(`redis-server on port ${port} did not start:\n${output}`);
    }
    await sleep(20);
  }
  return child;
}

async function killAndWait(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGKILL');
  await exited;
}

/** Whether a Redis answers PING on the port, spoken by hand so no client retries for us. */
function pings(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let reply = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.on('error', () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

/** A port nothing listens on now; redis-server --port 0 would not tell us its port. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  server.close();
  await once(server, 'close');
  return address.port;
}

/**
 * A client as the cluster's nodes use one, connected (commands fail until then without an
 * offline queue), failing fast and reconnecting every 50 ms. Disconnect it after the test.
 */
export async function connectRedis(url: string, options: RedisOptions = {}): Promise<Redis> {
  const redis = new Redis(url, {
    ...CLUSTER_CLIENT_OPTIONS,
    commandTimeout: 300,
    retryStrategy: () => 50,
    lazyConnect: true,
    ...options,
  });
  // Reconnection errors are expected while a test has Redis down; ioredis would print them.
  redis.on('error', () => {});
  await redis.connect();
  return redis;
}

/**
 * What every scenario runs on (bench/scenarios.ts): a fresh server process for one target
 * (bench/server-worker.ts or a baseline; one per node for a cluster) and fresh load generators
 * (bench/generator.ts), and the readings of CPU time and event-loop utilisation taken around a
 * measured interval, with the whole machine's CPU time from /proc/stat to see what others
 * took.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SERVER_NODE_FLAGS } from '../src/node-flags.js';
import type { GeneratorApi, GeneratorConfig, GeneratorMark } from './generator.js';
import { busyCores, type CpuTimes, cpuTimes } from './machine.js';
import { NGIRCD_BACKLOG, startNgircd } from './ngircd.js';
import { Child, childFdLimit } from './rpc.js';
import type { Ports, ServerApi, ServerMark } from './server-common.js';
import { freshNamespace } from './services.js';
import type { Target } from './targets.js';

export const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

/** Extra node flags from the environment, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof". */
function nodeArgs(variable: string): string[] {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

/**
 * Node flags for the server under test: --expose-gc for the memory readings, chatroom's own
 * (as `chatroom serve` runs) for its servers, and any extra (later flags win).
 */
function serverNodeArgs(chatroom: boolean): string[] {
  return [
    '--expose-gc',
    ...(chatroom ? SERVER_NODE_FLAGS : []),
    ...nodeArgs('BENCH_SERVER_NODE_ARGS'),
  ];
}

/** File descriptors a process needs beside its sockets (stdio, IPC, libuv, SQLite files). */
const SPARE_FDS = 100;

/** How many generator processes `clients` sockets need at least, given the open-file limit. */
export function generatorsFor(clients: number, wanted: number): number {
  const perProcess = childFdLimit() - SPARE_FDS;
  return Math.max(wanted, Math.ceil(clients / perProcess));
}

/** Whether the server process can hold `clients` sockets. */
export function serverCanHold(clients: number): boolean {
  return clients + SPARE_FDS <= childFdLimit();
}

/** CPU and event-loop use over a measured interval, and what was the bottleneck. */
export interface Usage {
  ms: number;
  /**
   * Share of one core (CPU) and of the time (ELU: 1 = the event loop never idled); with
   * several nodes, CPU summed and the ELU of the busiest.
   */
  serverCpu: number;
  serverElu: number;
  /** Each node's CPU and ELU. */
  nodes: Array<{ cpu: number; elu: number }>;
  /** Cores' worth of CPU that PostgreSQL and Redis used, for targets that use them. */
  servicesCpu: number;
  /** Generators: CPU summed, ELU of the busiest. */
  generatorCpu: number;
  generatorElu: number;
  /** Cores' worth of CPU that other processes (and unattributed kernel work) used meanwhile. */
  otherCores: number;
  /**
   * Whose event loop was (nearly) saturated: 'generator' when a generator's was and the
   * server's was not; 'cpus' when neither was but the machine's CPUs were (nearly) all busy.
   */
  bound: 'server' | 'generator' | 'both' | 'cpus' | 'neither';
}

/** Event-loop utilisation at or above which a process counts as saturated. */
export const SATURATED = 0.9;

export interface Marks {
  /** One per node. */
  servers: ServerMark[];
  generators: GeneratorMark[];
  machine: CpuTimes | undefined;
  /** CPU time (ms) of PostgreSQL and Redis for the target, when it uses them. */
  services: number | undefined;
}

/** A server-specific counter's growth between two marks, summed over the nodes. */
export function extraDelta(before: Marks, after: Marks, key: string): number {
  let sum = 0;
  for (const [i, mark] of after.servers.entries()) {
    sum += (mark.extra[key] ?? Number.NaN) - (before.servers[i]!.extra[key] ?? Number.NaN);
  }
  return sum;
}

function elu(before: { idle: number; active: number }, after: { idle: number; active: number }) {
  const active = after.active - before.active;
  return active / (active + after.idle - before.idle);
}

export function usage(before: Marks, after: Marks): Usage {
  const ms = after.servers[0]!.at - before.servers[0]!.at;
  const nodes = after.servers.map((mark, i) => {
    const first = before.servers[i]!;
    return {
      cpu: (mark.cpuMs - first.cpuMs) / (mark.at - first.at),
      elu: elu(first.elu, mark.elu),
    };
  });
  const serverCpu = nodes.reduce((sum, node) => sum + node.cpu, 0);
  const serverElu = Math.max(...nodes.map((node) => node.elu));
  let generatorCpu = 0;
  let generatorElu = 0;
  for (const [i, mark] of after.generators.entries()) {
    const first = before.generators[i]!;
    generatorCpu += (mark.cpuMs - first.cpuMs) / (mark.at - first.at);
    generatorElu = Math.max(generatorElu, elu(first.elu, mark.elu));
  }
  const serverBound = serverElu >= SATURATED;
  const generatorBound = generatorElu >= SATURATED;
  const busy = busyCores(before.machine, after.machine, ms);
  const servicesCpu =
    before.services === undefined || after.services === undefined
      ? 0
      : (after.services - before.services) / ms;
  return {
    ms,
    serverCpu,
    serverElu,
    nodes,
    servicesCpu,
    generatorCpu,
    generatorElu,
    // PostgreSQL and Redis are part of what a cluster target measures, not a disturbance.
    otherCores: busy - serverCpu - generatorCpu - servicesCpu,
    bound:
      serverBound && generatorBound
        ? 'both'
        : serverBound
          ? 'server'
          : generatorBound
            ? 'generator'
            : busy >= SATURATED * cpus().length
              ? 'cpus'
              : 'neither',
  };
}

/** A fresh server (or one per node) for one target and fresh load generators speaking its door. */
export class Rig {
  private constructor(
    readonly target: Target,
    readonly servers: Child<ServerApi>[],
    readonly generators: Child<GeneratorApi>[],
    /** Removes what the servers kept (a data directory, a schema and Redis keys). */
    private readonly cleanup: () => Promise<void>,
    /** The port of the target's door on each node. */
    readonly ports: number[],
    private readonly servicesCpuMs: () => Promise<number | undefined>,
  ) {}

  get server(): Child<ServerApi> {
    return this.servers[0]!;
  }

  get port(): number {
    return this.ports[0]!;
  }

  static async start(
    target: Target,
    scenario: {
      clients: number;
      senders: number;
      bytes: number;
      generators: number;
      limitsExempt?: string;
      /** Another load generator with GeneratorApi's calls (default 'generator'), and its extra config. */
      generator?: { script: string; config: Record<string, unknown> };
    },
  ): Promise<Rig> {
    const started = await startServers(target, scenario.limitsExempt);
    const ports = started.ports.map((doors) => doors[target.door]);
    if (ports.some((port) => port === undefined)) {
      await Promise.all(started.children.map((child) => child.kill()));
      await started.cleanup();
      throw new Error(
        `${target.server} has no ${target.door} door (it has ${Object.keys(started.ports[0]!)})`,
      );
    }
    const count = generatorsFor(scenario.clients, scenario.generators);
    const generators = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const config: GeneratorConfig = {
          ...scenario.generator?.config,
          door: target.door,
          ports: ports as number[],
          index,
          generators: count,
          clients: scenario.clients,
          senders: scenario.senders,
          bytes: scenario.bytes,
        };
        const started = await Child.start<GeneratorApi>(
          `generator ${index}`,
          script(scenario.generator?.script ?? 'generator'),
          [JSON.stringify(config)],
          { execArgv: nodeArgs('BENCH_GENERATOR_NODE_ARGS'), role: 'load' },
        );
        return started.child;
      }),
    );
    return new Rig(
      target,
      started.children,
      generators,
      started.cleanup,
      ports as number[],
      started.servicesCpuMs ?? (async () => undefined),
    );
  }

  async marks(): Promise<Marks> {
    const [servers, generators, services] = await Promise.all([
      Promise.all(this.servers.map((server) => server.call('mark'))),
      Promise.all(this.generators.map((generator) => generator.call('mark'))),
      this.servicesCpuMs(),
    ]);
    return { servers, generators, machine: cpuTimes(), services };
  }

  /** Connects and joins every client; returns when the first connect began and the last join ended. */
  async join(concurrency: number, timeoutMs = 60_000): Promise<{ ms: number; failures: string[] }> {
    // Connections past ngIRCd's listen backlog look established to the client but are not
    // accepted for half a minute or more (2,000 clients 50 at a time: 14 never got a reply).
    if (this.target.server === 'ngircd') concurrency = Math.min(concurrency, NGIRCD_BACKLOG);
    const each = Math.max(1, Math.round(concurrency / this.generators.length));
    const results = await Promise.all(
      this.generators.map((generator) => generator.call('join', { concurrency: each, timeoutMs })),
    );
    const failures = results.flatMap((result) => result.failures);
    const ms =
      Math.max(...results.map((result) => result.doneAt)) -
      Math.min(...results.map((result) => result.startedAt));
    return { ms, failures };
  }

  /** Waits until no generator has received anything for `quietMs`. */
  async settle(quietMs: number, timeoutMs: number): Promise<void> {
    await Promise.all(
      this.generators.map((generator) => generator.call('settle', { quietMs, timeoutMs })),
    );
  }

  /**
   * Ends everything: the servers first (so that they do not announce thousands of departures
   * to the clients still connected), then the generators.
   */
  async close(): Promise<void> {
    await Promise.all(
      this.servers.map(async (server) => {
        // Exiting on request lets a profile (BENCH_SERVER_NODE_ARGS=--cpu-prof) be written.
        await server.call('exit').catch(() => {});
        await Promise.race([server.exited, sleep(5_000)]);
        await server.kill();
      }),
    );
    await Promise.all(
      this.generators.map(async (generator) => {
        await generator.call('close').catch(() => {});
        await Promise.race([generator.exited, sleep(5_000)]);
        await generator.kill();
      }),
    );
    await this.cleanup();
  }
}

interface Started {
  children: Child<ServerApi>[];
  /** Each node's ports by door. */
  ports: Ports[];
  cleanup: () => Promise<void>;
  servicesCpuMs?: () => Promise<number | undefined>;
}

async function startServers(target: Target, limitsExempt: string | undefined): Promise<Started> {
  const kind = target.server;
  const execArgv = serverNodeArgs(kind.startsWith('chatroom'));
  if (kind === 'line-baseline' || kind === 'ws-baseline') {
    const name = kind === 'line-baseline' ? 'baseline-server' : 'baseline-ws-server';
    const { child, ready } = await Child.start<ServerApi, Ports>(kind, script(name), [], {
      execArgv,
      role: 'server',
    });
    return { children: [child], ports: [ready], cleanup: async () => {} };
  }
  if (kind === 'ngircd') {
    const { child, ports, cleanup } = await startNgircd();
    return { children: [child], ports: [ports], cleanup };
  }
  const env = {
    env: {
      ...(limitsExempt ? { BENCH_LIMITS_EXEMPT: limitsExempt } : {}),
      ...(kind === 'chatroom-moderated' ? { BENCH_MODERATED: '1' } : {}),
      ...(kind === 'chatroom-replay' ? { BENCH_LOBBY_HISTORY: '1' } : {}),
    },
  };
  if (kind === 'chatroom-postgres') return startNodes(target.nodes ?? 1, execArgv, env);
  const store = kind === 'chatroom-memory' ? 'memory' : 'sqlite';
  // The default store, SQLite, in a fresh directory of its own.
  const dataDir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'chatroom-bench-')) : undefined;
  const cleanup = async () => {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    const { child, ready } = await Child.start<ServerApi, Ports>(
      kind,
      script('server-worker'),
      dataDir ? [store, dataDir] : [store],
      { execArgv, role: 'server', ...env },
    );
    return { children: [child], ports: [ready], cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * `nodes` chatroom nodes with their history in a fresh PostgreSQL schema, started with the
 * flags an operator would give `chatroom serve`; more than one share the room through Redis,
 * under a fresh key prefix.
 */
async function startNodes(
  nodes: number,
  execArgv: string[],
  env: { env?: Record<string, string> },
): Promise<Started> {
  const namespace = await freshNamespace();
  const children: Child<ServerApi>[] = [];
  const ports: Ports[] = [];
  const cleanup = () => namespace.drop();
  try {
    // One after the other: the first creates the schema's tables, the others find them.
    for (let i = 0; i < nodes; i++) {
      const cluster =
        nodes > 1
          ? [
              ...['--redis-url', namespace.redisUrl, '--redis-prefix', namespace.prefix],
              ...['--node-id', `bench-${i}`],
            ]
          : [];
      const { child, ready } = await Child.start<ServerApi, Ports>(
        `chatroom node ${i}`,
        script('server-worker'),
        ['serve', '--database-url', namespace.databaseUrl, ...cluster],
        { execArgv, role: 'server', ...env },
      );
      children.push(child);
      ports.push(ready);
    }
    return { children, ports, cleanup, servicesCpuMs: () => namespace.servicesCpuMs() };
  } catch (error) {
    await Promise.all(children.map((child) => child.kill()));
    await cleanup();
    throw error;
  }
}

export async function withRig<T>(
  target: Target,
  scenario: Parameters<typeof Rig.start>[1],
  run: (rig: Rig) => Promise<T>,
): Promise<T> {
  const rig = await Rig.start(target, scenario);
  try {
    return await run(rig);
  } finally {
    await rig.close();
  }
}

export function joinFailed(failures: string[]): never {
  throw new Error(`clients failed to join:\n  ${failures.slice(0, 5).join('\n  ')}`);
}

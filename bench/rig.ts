/**
 * What every scenario runs on (bench/scenarios.ts): a fresh server process for one target
 * (bench/server-worker.ts or a baseline) and fresh load generators (bench/generator.ts), and
 * the readings of CPU time and event-loop utilisation taken around a measured interval, with
 * the whole machine's CPU time from /proc/stat to see what others took.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { GeneratorApi, GeneratorConfig, GeneratorMark } from './generator.js';
import { busyCores, type CpuTimes, cpuTimes } from './machine.js';
import { Child, childFdLimit } from './rpc.js';
import type { Ports, ServerApi, ServerMark } from './server-common.js';
import type { ServerKind, Target } from './targets.js';

export const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

/** Extra node flags from the environment, e.g. BENCH_SERVER_NODE_ARGS="--cpu-prof". */
function nodeArgs(variable: string): string[] {
  return process.env[variable]?.split(' ').filter(Boolean) ?? [];
}

/** Node flags for the server under test: --expose-gc for the memory readings, and any extra. */
function serverNodeArgs(): string[] {
  return ['--expose-gc', ...nodeArgs('BENCH_SERVER_NODE_ARGS')];
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
  /** Share of one core (CPU) and of the time (ELU: 1 = the event loop never idled). */
  serverCpu: number;
  serverElu: number;
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
  server: ServerMark;
  generators: GeneratorMark[];
  machine: CpuTimes | undefined;
}

function elu(before: { idle: number; active: number }, after: { idle: number; active: number }) {
  const active = after.active - before.active;
  return active / (active + after.idle - before.idle);
}

export function usage(before: Marks, after: Marks): Usage {
  const ms = after.server.at - before.server.at;
  const serverCpu = (after.server.cpuMs - before.server.cpuMs) / ms;
  const serverElu = elu(before.server.elu, after.server.elu);
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
  return {
    ms,
    serverCpu,
    serverElu,
    generatorCpu,
    generatorElu,
    otherCores: busy - serverCpu - generatorCpu,
    bound:
      serverBound && generatorBound
        ? 'both'
        : serverBound
          ? 'server'
          : generatorBound
            ? 'generator'
            : busy >= SATURATED * availableParallelism()
              ? 'cpus'
              : 'neither',
  };
}

/** A fresh server for one target and fresh load generators speaking its door. */
export class Rig {
  private constructor(
    readonly target: Target,
    readonly server: Child<ServerApi>,
    readonly generators: Child<GeneratorApi>[],
    private readonly dataDir: string | undefined,
    /** The port of the target's door. */
    readonly port: number,
  ) {}

  static async start(
    target: Target,
    scenario: {
      clients: number;
      senders: number;
      bytes: number;
      generators: number;
      limitsExempt?: string;
    },
  ): Promise<Rig> {
    const {
      child: server,
      ports,
      dataDir,
    } = await startServerProcess(target.server, scenario.limitsExempt);
    const port = ports[target.door];
    if (port === undefined) {
      await server.kill();
      if (dataDir) rmSync(dataDir, { recursive: true, force: true });
      throw new Error(`${target.server} has no ${target.door} door (it has ${Object.keys(ports)})`);
    }
    const count = generatorsFor(scenario.clients, scenario.generators);
    const generators = await Promise.all(
      Array.from({ length: count }, async (_, index) => {
        const config: GeneratorConfig = {
          door: target.door,
          port,
          index,
          generators: count,
          clients: scenario.clients,
          senders: scenario.senders,
          bytes: scenario.bytes,
        };
        const started = await Child.start<GeneratorApi>(
          `generator ${index}`,
          script('generator'),
          [JSON.stringify(config)],
          { execArgv: nodeArgs('BENCH_GENERATOR_NODE_ARGS') },
        );
        return started.child;
      }),
    );
    return new Rig(target, server, generators, dataDir, port);
  }

  async marks(): Promise<Marks> {
    const [server, ...generators] = await Promise.all([
      this.server.call('mark'),
      ...this.generators.map((generator) => generator.call('mark')),
    ]);
    return {
      server: server as ServerMark,
      generators: generators as GeneratorMark[],
      machine: cpuTimes(),
    };
  }

  /** Connects and joins every client; returns when the first connect began and the last join ended. */
  async join(concurrency: number, timeoutMs = 60_000): Promise<{ ms: number; failures: string[] }> {
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
   * Ends everything: the server first (so that it does not announce thousands of departures
   * to the clients still connected), then the generators.
   */
  async close(): Promise<void> {
    // Exiting on request lets a profile (BENCH_SERVER_NODE_ARGS=--cpu-prof) be written.
    await this.server.call('exit').catch(() => {});
    await Promise.race([this.server.exited, sleep(5_000)]);
    await this.server.kill();
    await Promise.all(
      this.generators.map(async (generator) => {
        await generator.call('close').catch(() => {});
        await Promise.race([generator.exited, sleep(5_000)]);
        await generator.kill();
      }),
    );
    if (this.dataDir) rmSync(this.dataDir, { recursive: true, force: true });
  }
}

async function startServerProcess(
  kind: ServerKind,
  limitsExempt: string | undefined,
): Promise<{ child: Child<ServerApi>; ports: Ports; dataDir: string | undefined }> {
  const execArgv = serverNodeArgs();
  if (kind === 'line-baseline' || kind === 'ws-baseline') {
    const name = kind === 'line-baseline' ? 'baseline-server' : 'baseline-ws-server';
    const { child, ready } = await Child.start<ServerApi, Ports>(kind, script(name), [], {
      execArgv,
    });
    return { child, ports: ready, dataDir: undefined };
  }
  const store = kind === 'chatroom-memory' ? 'memory' : 'sqlite';
  // The default store, SQLite, in a fresh directory of its own.
  const dataDir = store === 'sqlite' ? mkdtempSync(join(tmpdir(), 'chatroom-bench-')) : undefined;
  try {
    const { child, ready } = await Child.start<ServerApi, Ports>(
      kind,
      script('server-worker'),
      dataDir ? [store, dataDir] : [store],
      { execArgv, ...(limitsExempt ? { env: { BENCH_LIMITS_EXEMPT: limitsExempt } } : {}) },
    );
    return { child, ports: ready, dataDir };
  } catch (error) {
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
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

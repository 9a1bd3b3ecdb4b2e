/**
 * The scenarios of the issue "Benchmarks": each starts a fresh server (bench/server-worker.ts
 * or a baseline) and fresh load generators (bench/generator.ts), each in a process of its own,
 * runs, and ends them all. This process only orchestrates: it asks the server and the
 * generators for their CPU time and event-loop utilisation before and after the measured
 * interval, and reads the whole machine's CPU time from /proc/stat to see what others took.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { clock } from './clock.js';
import type { FlooderApi, FlooderConfig, FloodResult } from './flooder.js';
import type { GeneratorApi, GeneratorConfig, GeneratorMark } from './generator.js';
import { busyCores, type CpuTimes, cpuTimes } from './machine.js';
import { Child, childFdLimit } from './rpc.js';
import type { Ports, ServerApi, ServerMark } from './server-common.js';
import { Histogram, percentile } from './stats.js';
import type { ServerKind, Target } from './targets.js';

const script = (name: string) => fileURLToPath(new URL(`./${name}.js`, import.meta.url));

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

interface Marks {
  server: ServerMark;
  generators: GeneratorMark[];
  machine: CpuTimes | undefined;
}

function elu(before: { idle: number; active: number }, after: { idle: number; active: number }) {
  const active = after.active - before.active;
  return active / (active + after.idle - before.idle);
}

function usage(before: Marks, after: Marks): Usage {
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
class Rig {
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

async function withRig<T>(
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

function joinFailed(failures: string[]): never {
  throw new Error(`clients failed to join:\n  ${failures.slice(0, 5).join('\n  ')}`);
}

// ---------------------------------------------------------------------------------------------

export interface FanoutConfig {
  clients: number;
  senders: number;
  window: number;
  bytes: number;
  warmupMs: number;
  measureMs: number;
  generators: number;
}

export interface FanoutRun {
  target: string;
  clients: number;
  /** Chat messages received by all clients during the measured interval, per second. */
  deliveriesPerSecond: number;
  /** Messages fanned out per second (deliveries / receivers per message). */
  messagesPerSecond: number;
  /** Over the whole run (warm-up included), after the drain. */
  sent: number;
  expected: number;
  received: number;
  /** Lines out of order, duplicated, missing, malformed, errors or early disconnects. */
  problems: string[];
  usage: Usage;
  otherCores: number;
  /** The chatroom server's group commits: messages per commit, share of its time in the store. */
  messagesPerCommit: number;
  storeShare: number;
}

/**
 * Fan-out throughput: `clients` clients in #lobby, `senders` of them sending `bytes`-byte
 * messages in a closed loop (each at most `window` ahead of its generator's observer). After the
 * measured interval the senders stop, and every client must have received every message of
 * every other sender exactly once, in order.
 */
export function fanoutRun(target: Target, config: FanoutConfig): Promise<FanoutRun> {
  if (config.senders >= config.clients) throw new Error('need at least one client that listens');
  return withRig(target, config, async (rig) => {
    const joined = await rig.join(50);
    if (joined.failures.length > 0) joinFailed(joined.failures);
    await rig.settle(200, 10_000); // let the join notices pass before the clock starts
    await Promise.all(rig.generators.map((g) => g.call('fanoutStart', { window: config.window })));
    await sleep(config.warmupMs);
    const before = await rig.marks();
    await sleep(config.measureMs);
    const after = await rig.marks();
    const stops = await Promise.all(rig.generators.map((g) => g.call('fanoutStop')));
    const sent = new Array<number>(config.senders).fill(0);
    for (const stop of stops) for (const [sender, count] of stop) sent[sender] = count;
    let deliveriesPerSecond = 0;
    for (const [i, mark] of after.generators.entries()) {
      const first = before.generators[i]!;
      deliveriesPerSecond += ((mark.deliveries - first.deliveries) / (mark.at - first.at)) * 1000;
    }
    // What is still in flight has to arrive: give a slow server twice the time it should take.
    const inFlight = config.window * config.senders * (config.clients - 1);
    const timeoutMs = 10_000 + (2_000 * inFlight) / Math.max(deliveriesPerSecond, 1_000);
    const checks = await Promise.all(
      rig.generators.map((g) => g.call('verify', { sent, timeoutMs })),
    );
    const use = usage(before, after);
    const extra = (mark: ServerMark, key: string) => mark.extra[key] ?? Number.NaN;
    return {
      target: target.name,
      clients: config.clients,
      deliveriesPerSecond,
      messagesPerSecond: deliveriesPerSecond / (config.clients - 1),
      sent: sent.reduce((a, b) => a + b, 0),
      expected: checks.reduce((sum, check) => sum + check.expected, 0),
      received: checks.reduce((sum, check) => sum + check.received, 0),
      problems: checks.flatMap((check) => check.problems).slice(0, 20),
      usage: use,
      otherCores: use.otherCores,
      messagesPerCommit:
        (extra(after.server, 'stored') - extra(before.server, 'stored')) /
        (extra(after.server, 'batches') - extra(before.server, 'batches')),
      storeShare: (extra(after.server, 'storeMs') - extra(before.server, 'storeMs')) / use.ms,
    };
  });
}

// ---------------------------------------------------------------------------------------------

export interface LatencyConfig {
  clients: number;
  senders: number;
  /** Messages per second over all senders. */
  rate: number;
  bytes: number;
  warmupMs: number;
  measureMs: number;
  /** How long after the last send every message must have reached every receiver. */
  graceMs: number;
  generators: number;
  /** The server's --limits-exempt; by default, its own default (loopback). */
  limitsExempt?: string;
  /**
   * A client flooding the room throughout (bench/flooder.ts) from this address, which
   * `limitsExempt` must not spare.
   */
  floodFrom?: string;
}

export interface LatencyRun {
  target: string;
  /** Per delivery (send to one receiver's read), ms. */
  delivery: { p50: number; p95: number; p99: number; max: number };
  /** Per message, from its send until the last receiver read it, ms. */
  everyone: { p50: number; p95: number; p99: number; max: number };
  messages: number;
  deliveries: number;
  problems: string[];
  usage: Usage;
  otherCores: number;
  /** What the flooder did, when there was one. */
  flood?: FloodResult;
}

/** Starts the flooder of a latency run against the rig's door; returns how to stop it. */
async function startFlood(
  rig: Rig,
  from: string,
  bytes: number,
): Promise<() => Promise<FloodResult>> {
  const config: FlooderConfig = { door: rig.target.door, port: rig.port, from, bytes };
  const { child } = await Child.start<FlooderApi>('flooder', script('flooder'), [
    JSON.stringify(config),
  ]);
  await child.call('start');
  return async () => {
    const result = await child.call('stop');
    await child.kill();
    return result;
  };
}

/**
 * Latency: `clients` clients in #lobby; `senders` of them send `rate` messages per second in
 * all, on a fixed schedule (open loop). Measured: each delivery's latency and, per message,
 * the time until every receiver has it. Messages sent during the warm-up are not counted.
 */
export function latencyRun(target: Target, config: LatencyConfig): Promise<LatencyRun> {
  return withRig(target, config, async (rig) => {
    const joined = await rig.join(50);
    if (joined.failures.length > 0) joinFailed(joined.failures);
    await rig.settle(200, 10_000);
    const stopFlood = config.floodFrom
      ? await startFlood(rig, config.floodFrom, config.bytes)
      : undefined;
    const t0 = clock() + 50;
    const since = t0 + config.warmupMs;
    const until = since + config.measureMs;
    await Promise.all(
      rig.generators.map((g) => g.call('latencyStart', { t0, rate: config.rate, since, until })),
    );
    await sleep(since - clock());
    const before = await rig.marks();
    await sleep(until - clock());
    const after = await rig.marks();
    // Time for the last messages to arrive everywhere.
    await sleep(config.graceMs);
    const results = await Promise.all(rig.generators.map((g) => g.call('latencyResult')));
    const flood = await stopFlood?.();

    const histogram = new Histogram();
    const problems: string[] = [];
    const arrivals = new Map<number, { sentAt: number; count: number; lastAt: number }>();
    for (const result of results) {
      histogram.merge(new Histogram(result.histogram));
      problems.push(...result.problems);
      for (const [sender, seq, sentAt, count, lastAt] of result.messages) {
        const key = sender * 1e8 + seq;
        const seen = arrivals.get(key);
        if (seen) {
          seen.count += count;
          seen.lastAt = Math.max(seen.lastAt, lastAt);
        } else arrivals.set(key, { sentAt, count, lastAt });
      }
    }
    const everyone: number[] = [];
    let incomplete = 0;
    let messages = 0;
    for (const result of results) {
      for (const [sender, from, to] of result.sent) {
        for (let seq = from; seq <= to; seq++) {
          messages++;
          const seen = arrivals.get(sender * 1e8 + seq);
          if (seen && seen.count === config.clients - 1) everyone.push(seen.lastAt - seen.sentAt);
          else incomplete++;
        }
      }
    }
    if (incomplete > 0) {
      problems.push(
        `${incomplete} of ${messages} messages had not reached every receiver ${config.graceMs / 1000} s after the end`,
      );
    }
    const use = usage(before, after);
    const ms = (us: number) => us / 1000;
    return {
      target: target.name,
      delivery: {
        p50: ms(histogram.percentile(0.5)),
        p95: ms(histogram.percentile(0.95)),
        p99: ms(histogram.percentile(0.99)),
        max: ms(histogram.max),
      },
      everyone: {
        p50: percentile(everyone, 0.5),
        p95: percentile(everyone, 0.95),
        p99: percentile(everyone, 0.99),
        max: everyone.length > 0 ? Math.max(...everyone) : Number.NaN,
      },
      messages,
      deliveries: histogram.total,
      problems: problems.slice(0, 20),
      usage: use,
      otherCores: use.otherCores,
      ...(flood ? { flood } : {}),
    };
  });
}

// ---------------------------------------------------------------------------------------------

export interface MemoryConfig {
  clients: number;
  generators: number;
  concurrency: number;
}

export interface MemoryRun {
  target: string;
  clients: number;
  /** Server RSS and V8 heap after a full GC, before any client and with every client idle. */
  rssBefore: number;
  rssAfter: number;
  heapBefore: number;
  heapAfter: number;
  /** (rssAfter - rssBefore) / clients, bytes; the same for the V8 heap used and reserved. */
  rssPerConnection: number;
  heapPerConnection: number;
  heapTotalPerConnection: number;
  /** Growth of memory outside the V8 heap that V8 knows of (Buffers, native handles). */
  externalPerConnection: number;
  joinMs: number;
  problems: string[];
  otherCores: number;
}

/** A memory run whose clients have joined, waiting for the server to be idle long enough. */
export interface MemoryPending {
  target: Target;
  /** Reads the server's memory once it has been idle for `idleMs`, and ends the run. */
  finish(idleMs: number): Promise<MemoryRun>;
  /** Ends the run without a reading. */
  close(): Promise<void>;
}

/**
 * Memory, first half: a fresh server, its RSS after a full garbage collection before the first
 * client connects, then `clients` clients join #lobby until nothing has arrived for a second.
 * The second half (`finish`) reads RSS again after a full GC once the server has been idle for
 * a while: V8 gives back the young generation that the joins grew only at a GC that follows
 * seconds of low allocation (measured at once, chatroom's figure at 2,000 clients was 2.5 times
 * higher). Several targets can wait out their idle time together.
 */
export async function memoryStart(target: Target, config: MemoryConfig): Promise<MemoryPending> {
  const rig = await Rig.start(target, { ...config, senders: 0, bytes: 64 });
  try {
    await sleep(300);
    const before = await rig.server.call('gc');
    const joined = await rig.join(config.concurrency, 120_000);
    await rig.settle(1_000, 120_000);
    // V8 shrinks its young generation at a GC when little was allocated in the last 5 s or so:
    // one GC now, so that the one after the idle time measures only the idle time.
    await rig.server.call('gc');
    const idleSince = clock();
    return {
      target,
      close: () => rig.close(),
      async finish(idleMs) {
        try {
          await sleep(idleSince + idleMs - clock());
          const after = await rig.server.call('gc');
          return {
            target: target.name,
            clients: config.clients,
            rssBefore: before.rss,
            rssAfter: after.rss,
            heapBefore: before.heapUsed,
            heapAfter: after.heapUsed,
            rssPerConnection: (after.rss - before.rss) / config.clients,
            heapPerConnection: (after.heapUsed - before.heapUsed) / config.clients,
            heapTotalPerConnection: (after.heapTotal - before.heapTotal) / config.clients,
            externalPerConnection: (after.external - before.external) / config.clients,
            joinMs: joined.ms,
            problems: joined.failures,
            otherCores: 0,
          };
        } finally {
          await rig.close();
        }
      },
    };
  } catch (error) {
    await rig.close();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------

export interface JoinConfig {
  clients: number;
  generators: number;
  /** Clients connecting or waiting for their join at once. */
  concurrency: number;
}

export interface JoinRun {
  target: string;
  clients: number;
  /** From the first connect until the last client is in #lobby. */
  ms: number;
  problems: string[];
  usage: Usage;
  otherCores: number;
}

/** Join storm: `clients` clients connect and join #lobby, `concurrency` at a time. */
export function joinRun(target: Target, config: JoinConfig): Promise<JoinRun> {
  return withRig(target, { ...config, senders: 0, bytes: 64 }, async (rig) => {
    await sleep(300);
    const before = await rig.marks();
    const joined = await rig.join(config.concurrency, 120_000);
    const after = await rig.marks();
    const use = usage(before, after);
    return {
      target: target.name,
      clients: config.clients,
      ms: joined.ms,
      problems: joined.failures,
      usage: use,
      otherCores: use.otherCores,
    };
  });
}

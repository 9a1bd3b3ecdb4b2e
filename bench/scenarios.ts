/**
 * The scenarios of the issue "Benchmarks", each on a fresh Rig (bench/rig.ts): fan-out,
 * latency (with a flooder for the flood benchmark), memory per idle connection, and a join
 * storm.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';
import type { FlooderApi, FlooderConfig, FloodResult } from './flooder.js';
import { extraDelta, joinFailed, Rig, script, type Usage, usage, withRig } from './rig.js';
import { Child } from './rpc.js';
import type { LoopDelay } from './server-common.js';
import { Histogram, percentile } from './stats.js';
import type { Target } from './targets.js';

export { generatorsFor, SATURATED, serverCanHold, type Usage } from './rig.js';

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
  /** Deliveries of a message a client had already had (or that came after a later one). */
  repeats: number;
  /** Lines out of order, duplicated, missing, malformed, errors or early disconnects. */
  problems: string[];
  usage: Usage;
  otherCores: number;
  /** The chatroom server's group commits: messages per commit, share of its time in the store. */
  messagesPerCommit: number;
  storeShare: number;
  /** Its counters (bench/server-worker.ts) after the drain, summed over the nodes. */
  counters: Record<string, number>;
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
    const end = await rig.marks();
    const counters: Record<string, number> = {};
    for (const mark of end.servers) {
      for (const [key, value] of Object.entries(mark.extra)) {
        counters[key] = (counters[key] ?? 0) + value;
      }
    }
    const use = usage(before, after);
    return {
      target: target.name,
      clients: config.clients,
      deliveriesPerSecond,
      messagesPerSecond: deliveriesPerSecond / (config.clients - 1),
      sent: sent.reduce((a, b) => a + b, 0),
      expected: checks.reduce((sum, check) => sum + check.expected, 0),
      received: checks.reduce((sum, check) => sum + check.received, 0),
      repeats: checks.reduce((sum, check) => sum + check.repeats, 0),
      problems: checks.flatMap((check) => check.problems).slice(0, 20),
      usage: use,
      otherCores: use.otherCores,
      messagesPerCommit: extraDelta(before, after, 'stored') / extraDelta(before, after, 'batches'),
      storeShare: extraDelta(before, after, 'storeMs') / use.ms,
      counters,
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
  delivery: { p50: number; p95: number; p99: number; p999: number; max: number };
  /** Per message, from its send until the last receiver read it, ms. */
  everyone: { p50: number; p95: number; p99: number; max: number };
  messages: number;
  deliveries: number;
  problems: string[];
  usage: Usage;
  otherCores: number;
  /** What the flooder did, when there was one. */
  flood?: FloodResult;
  /** The server's event-loop delay over the measured interval (the busiest node's); Node only. */
  loopDelay: LoopDelay | undefined;
}

/** Starts the flooder of a latency run against the rig's door; returns how to stop it. */
async function startFlood(
  rig: Rig,
  from: string,
  bytes: number,
): Promise<() => Promise<FloodResult>> {
  const config: FlooderConfig = { door: rig.target.door, port: rig.port, from, bytes };
  const { child } = await Child.start<FlooderApi>(
    'flooder',
    script('flooder'),
    [JSON.stringify(config)],
    { role: 'load' },
  );
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
        p999: ms(histogram.percentile(0.999)),
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
      loopDelay: worstLoopDelay(after.servers.map((mark) => mark.loopDelay)),
    };
  });
}

function worstLoopDelay(readings: readonly (LoopDelay | undefined)[]): LoopDelay | undefined {
  const known = readings.filter((reading) => reading !== undefined);
  if (known.length === 0) return undefined;
  return known.reduce((worst, reading) => (reading.p99 > worst.p99 ? reading : worst));
}

// ---------------------------------------------------------------------------------------------

export interface MemoryConfig {
  clients: number;
  generators: number;
  concurrency: number;
  /** How long the fresh server idles before its starting RSS is read (default 2 s). */
  startIdleMs?: number;
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
  /**
   * As an operator sees it (issue 15): RSS once every client has joined and nothing has
   * arrived for a second, with no forced GC, less rssBefore, per client.
   */
  rssNoGcPerConnection: number;
  /**
   * The same once the server has been idle for the run's idle time, still with no forced GC:
   * what an operator sees a little later, after V8's own memory reducer has run (it starts
   * about 8 s after the last full GC and shrinks the young generation a storm grew).
   */
  rssIdleNoGcPerConnection: number;
  rssJoined: number;
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
 * client connects, then `clients` clients join #lobby until nothing has arrived for a second,
 * and RSS read there with no forced GC: what an operator sees after a join storm, the figure
 * issue 15 judges. The second half (`finish`) reads RSS again once the server has been idle for
 * a while, first as it is and then after a full GC: V8 gives back the young generation that
 * the joins grew only at a GC that follows seconds of low allocation, which its memory reducer
 * runs by itself about 8 s after the storm's last full GC (measured at once, chatroom's figure
 * at 2,000 clients was 2.5 times higher). Several targets can wait out their idle time together.
 */
export async function memoryStart(target: Target, config: MemoryConfig): Promise<MemoryPending> {
  const rig = await Rig.start(target, { ...config, senders: 0, bytes: 64 });
  try {
    // Long enough (in full runs) for a server's start-up garbage to be collected and its
    // pages returned: read sooner, the starting RSS was inflated and the growth flattered.
    await sleep(config.startIdleMs ?? 2_000);
    const before = await rig.server.call('gc');
    const joined = await rig.join(config.concurrency, 120_000);
    await rig.settle(1_000, 120_000);
    const settled = await rig.server.call('mark');
    // No GC forced here: the reading after the idle time is of the server left to itself.
    const idleSince = clock();
    return {
      target,
      close: () => rig.close(),
      async finish(idleMs) {
        try {
          await sleep(idleSince + idleMs - clock());
          const idle = await rig.server.call('mark');
          const after = await rig.server.call('gc');
          return {
            target: target.name,
            clients: config.clients,
            rssBefore: before.rss,
            rssAfter: after.rss,
            heapBefore: before.heapUsed,
            heapAfter: after.heapUsed,
            rssPerConnection: (after.rss - before.rss) / config.clients,
            rssNoGcPerConnection: (settled.rss - before.rss) / config.clients,
            rssIdleNoGcPerConnection: (idle.rss - before.rss) / config.clients,
            rssJoined: settled.rss,
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

/**
 * Many rooms, not just one (issue 15, goal 4): 2,000 clients in 200 rooms of 10, every room
 * active, every client also in #lobby (where nothing is said: it only makes every client a
 * member of one big room too). Every client sends 64-byte messages to its own room on a fixed
 * schedule (open loop), so the per-delivery latency percentiles mean something. Measured:
 * deliveries per second, latency per delivery (p50, p99), and that every message reached the
 * 9 other members of its room exactly once, in order; against ngIRCd with the same layout.
 * The clients are bench/rooms-generator.ts's.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';
import type { Options } from './options.js';
import {
  errorsNote,
  type Outcome,
  peerCell,
  peerOf,
  series,
  USAGE_HEADER,
  USAGE_NOTE,
  usageCells,
  usageText,
} from './report.js';
import { joinFailed, type Usage, usage, withRig } from './rig.js';
import type { RoomsGeneratorApi } from './rooms-generator.js';
import type { Child } from './rpc.js';
import { generatorsFor } from './scenarios.js';
import { count, Histogram, median, ms, summaryOf, table } from './stats.js';
import type { Target } from './targets.js';

export interface RoomsConfig {
  clients: number;
  roomSize: number;
  /** Messages per second over all clients (each sends rate / clients a second). */
  rate: number;
  bytes: number;
  warmupMs: number;
  measureMs: number;
  /** How long after the last send every message must have reached its room. */
  graceMs: number;
  generators: number;
}

export function roomsConfig(quick: boolean, generators: number): RoomsConfig {
  return {
    clients: quick ? 400 : 2_000,
    roomSize: 10,
    rate: quick ? 1_000 : 4_000,
    bytes: 64,
    warmupMs: quick ? 500 : 1_000,
    measureMs: quick ? 1_000 : 10_000,
    graceMs: quick ? 500 : 2_000,
    generators,
  };
}

/** The targets that have rooms: chatroom's doors and ngIRCd, not the one-room baselines. */
export function roomsTargets(targets: readonly Target[]): Target[] {
  return targets.filter((target) => target.server === 'chatroom' || target.server === 'ngircd');
}

export interface RoomsRun {
  target: string;
  /** Chat messages received by all clients during the measured interval, per second. */
  deliveriesPerSecond: number;
  /** Per delivery (send to one receiver's read), ms. */
  delivery: { p50: number; p95: number; p99: number; max: number };
  /** Messages sent in the measured interval, and deliveries of them expected and seen. */
  messages: number;
  expected: number;
  received: number;
  /** Messages of the whole run (warm-up included) not heard exactly once by every member. */
  wrong: number;
  repeats: number;
  problems: string[];
  usage: Usage;
  otherCores: number;
}

export function roomsRun(target: Target, config: RoomsConfig): Promise<RoomsRun> {
  const scenario = {
    ...config,
    senders: config.clients,
    generator: { script: 'rooms-generator', config: { roomSize: config.roomSize } },
  };
  return withRig(target, scenario, async (rig) => {
    const generators = rig.generators as unknown as Child<RoomsGeneratorApi>[];
    const joined = await rig.join(50, 60_000);
    if (joined.failures.length > 0) joinFailed(joined.failures);
    await rig.settle(200, 10_000); // let the join notices pass before the clock starts
    const t0 = clock() + 50;
    const since = t0 + config.warmupMs;
    const until = since + config.measureMs;
    await Promise.all(
      generators.map((g) => g.call('roomsStart', { t0, rate: config.rate, since, until })),
    );
    await sleep(since - clock());
    const before = await rig.marks();
    await sleep(until - clock());
    const after = await rig.marks();
    await sleep(config.graceMs);
    const results = await Promise.all(generators.map((g) => g.call('roomsResult')));

    const histogram = new Histogram();
    const problems: string[] = [];
    const heard = new Map<number, number>();
    const sent = new Array<number>(config.clients).fill(0);
    const last = new Map<number, number[]>();
    let repeats = 0;
    for (const result of results) {
      histogram.merge(new Histogram(result.histogram));
      problems.push(...result.problems);
      repeats += result.repeats;
      for (const [sender, seq, n] of result.messages) {
        const key = sender * 1e8 + seq;
        heard.set(key, (heard.get(key) ?? 0) + n);
      }
      for (const [sender, total] of result.sent) sent[sender] = total;
      for (const [client, seen] of result.last) last.set(client, seen);
    }
    const others = (sender: number) => {
      const first = Math.floor(sender / config.roomSize) * config.roomSize;
      return Math.min(config.roomSize, config.clients - first) - 1;
    };
    // Every measured message, heard by every other member of its room exactly once.
    let messages = 0;
    let expected = 0;
    let wrong = 0;
    for (const result of results) {
      for (const [sender, , from, to] of result.sent) {
        if (from === 0) continue;
        for (let seq = from; seq <= to; seq++) {
          messages++;
          expected += others(sender);
          if (heard.get(sender * 1e8 + seq) !== others(sender)) wrong++;
        }
      }
    }
    if (wrong > 0) {
      problems.push(
        `${wrong} of ${messages} measured messages were not heard exactly once by each of their room's other members ${config.graceMs / 1000} s after the end`,
      );
    }
    // And the whole run: each member ends on each other member's last message.
    let behind = 0;
    for (const [client, seen] of last) {
      const first = Math.floor(client / config.roomSize) * config.roomSize;
      for (const [member, seq] of seen.entries()) {
        const want = first + member === client ? 0 : sent[first + member]!;
        if (seq !== want) behind++;
      }
    }
    if (behind > 0)
      problems.push(`${behind} (member, sender) pairs ended short of the last message`);
    if (repeats > 0) problems.push(`${repeats} deliveries came twice or out of order`);
    let deliveriesPerSecond = 0;
    for (const [i, mark] of after.generators.entries()) {
      const first = before.generators[i]!;
      deliveriesPerSecond += ((mark.deliveries - first.deliveries) / (mark.at - first.at)) * 1000;
    }
    const use = usage(before, after);
    const msOf = (us: number) => us / 1000;
    return {
      target: target.name,
      deliveriesPerSecond,
      delivery: {
        p50: msOf(histogram.percentile(0.5)),
        p95: msOf(histogram.percentile(0.95)),
        p99: msOf(histogram.percentile(0.99)),
        max: msOf(histogram.max),
      },
      messages,
      expected,
      received: histogram.total,
      wrong: wrong + behind,
      repeats,
      problems: problems.slice(0, 20),
      usage: use,
      otherCores: use.otherCores,
    };
  });
}

/** The rooms part of `npm run bench`; returns whether every message was delivered exactly once. */
export async function roomsPart(
  options: Options,
  runs: number,
  targets: readonly Target[],
  report: Record<string, unknown>,
): Promise<boolean> {
  const config = roomsConfig(options.quick, options.generators);
  const here = roomsTargets(targets);
  const rooms = Math.ceil(config.clients / config.roomSize);
  console.log(
    `\nRooms, ${count(config.clients)} clients in ${count(rooms)} rooms of ${config.roomSize}, every client also in #lobby (silent):\n` +
      `   every client sends ${config.bytes}-byte messages to its room, ${count(config.rate)} messages/s in all on a fixed schedule\n` +
      `   (open loop, ${count(config.rate * (config.roomSize - 1))} deliveries/s offered); ${config.warmupMs / 1000} s warm-up, ${config.measureMs / 1000} s measured;\n` +
      `   ${generatorsFor(config.clients, options.generators)} generator process(es); median of ${runs} run(s).`,
  );
  if (here.length === 0) {
    console.log('   no target with rooms among --targets: skipped.');
    return true;
  }
  const outcomes = await series(
    'rooms',
    here,
    runs,
    (target) => roomsRun(target, config),
    (r) =>
      `${count(r.deliveriesPerSecond)} deliveries/s, per delivery p50 ${ms(r.delivery.p50)} p99 ${ms(r.delivery.p99)} ms, ` +
      `received/expected ${r.received}/${r.expected}, ${usageText(r.usage)}`,
  );
  let exact = true;
  for (const outcome of outcomes) {
    if (outcome.errors.length > 0) exact = false;
    for (const run of outcome.runs) {
      if (run.problems.length > 0 || run.wrong > 0 || run.received !== run.expected) exact = false;
    }
  }
  const peer = peerOf(outcomes);
  const deliveries = (run: RoomsRun) => run.deliveriesPerSecond;
  const p99 = (run: RoomsRun) => run.delivery.p99;
  const cell = (outcome: Outcome<RoomsRun>, pick: (run: RoomsRun) => number) =>
    median(outcome.runs.map(pick));
  console.log(
    `\n${table(
      [
        'target',
        'runs',
        'deliveries/s median (min–max)',
        ...(peer ? [`× ${peer}`] : []),
        'delivery p50 ms',
        'p99 (min–max)',
        ...(peer ? [`× ${peer}`] : []),
        'max',
        'received/expected',
        ...USAGE_HEADER,
      ],
      outcomes.map((outcome) => {
        const received = outcome.runs.reduce((sum, run) => sum + run.received, 0);
        const expected = outcome.runs.reduce((sum, run) => sum + run.expected, 0);
        return [
          outcome.target.name,
          String(outcome.runs.length),
          summaryOf(outcome.runs.map(deliveries), count),
          ...(peer ? [peerCell(outcomes, outcome, deliveries)] : []),
          ms(cell(outcome, (run) => run.delivery.p50)),
          summaryOf(outcome.runs.map(p99), (v) => ms(v)),
          ...(peer ? [peerCell(outcomes, outcome, p99)] : []),
          ms(cell(outcome, (run) => run.delivery.max)),
          expected > 0 ? `${(received / expected).toFixed(6)} (${count(received)})` : 'n/a',
          ...usageCells(outcome.runs.map((run) => run.usage)),
        ];
      }),
    )}`,
  );
  console.log(
    '   deliveries: chat messages received, summed over all clients, in the measured interval (open loop:\n' +
      '   the offered rate unless the server falls behind). delivery: from the sender writing a message to one\n' +
      '   receiver reading it, read in the generator. received/expected: deliveries of the measured messages,\n' +
      `   each to the ${config.roomSize - 1} other members of its room` +
      (peer
        ? `.\n   × ${peer}: deliveries/s over ${peer}'s (above 1 = more), p99 over ${peer}'s (below 1 = faster);\n` +
          `   ${peer}'s clients speak IRC, with the same rooms.`
        : '.'),
  );
  console.log(USAGE_NOTE);
  errorsNote(outcomes);
  console.log(
    `   Every rooms message delivered to every other member of its room exactly once, in order: ${exact ? 'yes' : 'NO (see the problems above)'}`,
  );
  report.rooms = { config, outcomes };
  return exact;
}

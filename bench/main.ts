/**
 * `npm run bench -- [--quick] [--only PARTS] [--runs N] [--json FILE] [--window N]
 *                   [--generators N] [--targets NAMES] [--pin]`
 *
 * The benchmarks of the issue "Benchmarks" (BENCHMARKS.md), each for every front door beside
 * the baselines measured in the same run (bench/targets.ts):
 *   fanout   fan-out throughput at 100 and 1,000 clients in one room;
 *   latency  per-delivery latency and the time until every receiver has a message;
 *   flood    the latency of 100 clients while one client floods, against the same quiet;
 *   memory   server RSS growth per idle connection at 1,000 and 10,000 clients;
 *   join     a join storm of 5,000 clients;
 *   rooms    2,000 clients in 200 rooms of 10 (and #lobby), every room active (issue 15, goal 4);
 * and those of "Durable history" (docs/benchmarks.md):
 *   store    the history store's throughput;
 *   history  fan-out with the SQLite store vs the memory store;
 * and the cluster's (BENCHMARKS.md, "Two nodes (cluster)"):
 *   cluster  fan-out and latency on two nodes sharing a room through Redis vs one node, both
 *            with PostgreSQL (skipped when PostgreSQL or Redis does not answer).
 * Runs of the different targets alternate so that slow drift of the machine hits them alike,
 * each waits for the machine to be quiet first, and each figure is the median of the runs with
 * the spread (min–max). Exits 1 if a fan-out delivery was lost, duplicated or reordered (a
 * missed performance target is reported, not an error). --pin gives the server under test one
 * CPU and its load generators the other, as the issues' independent measurements are taken.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, release, tmpdir, totalmem } from 'node:os';
import { clusterPart } from './cluster.js';
import { floodPart } from './flood.js';
import { historyFanout, storeBenchmark } from './history.js';
import { joinPart, memoryPart } from './memory-join.js';
import { enforcementFanout } from './moderation.js';
import { ensureNgircd } from './ngircd.js';
import { FLOOD, HISTORY_WINDOW, type Options, parseArgs, type Sizes, sizes } from './options.js';
import {
  chatroomOutcomes,
  errorsNote,
  fixed,
  judge,
  loopDelayTable,
  type Outcome,
  peerCell,
  peerOf,
  ratio,
  ratioCell,
  series,
  USAGE_HEADER,
  USAGE_NOTE,
  usageCells,
  usageText,
  verdicts,
} from './report.js';
import { roomsPart } from './rooms.js';
import { childFdLimit, pinCores } from './rpc.js';
import { runner } from './runner.js';
import {
  type FanoutRun,
  fanoutRun,
  generatorsFor,
  type LatencyRun,
  latencyRun,
} from './scenarios.js';
import { count, median, ms, percent, summaryOf, table } from './stats.js';
import { REPLAY_TARGETS, TARGETS, type Target } from './targets.js';

// ---------------------------------------------------------------------------------------------

function withoutPeer(targets: Target[]): Target[] {
  return targets.filter((target) => target.server !== 'ngircd');
}

async function fanoutPart(
  options: Options,
  s: Sizes,
  targets: Target[],
  report: Record<string, unknown>,
) {
  let exact = true;
  const parts: Record<string, unknown> = {};
  for (const clients of s.fanoutClients) {
    // --quick has two minutes: the peer only at 100 clients, where its goal is.
    const here = options.quick && clients !== 100 ? withoutPeer(targets) : targets;
    const config = { ...s.fanout, clients, window: options.window, generators: options.generators };
    console.log(
      `\nFan-out, ${count(clients)} clients in #lobby: ${config.senders} of them send ${config.bytes}-byte messages in a closed loop,\n` +
        `   each with at most ${config.window} messages that some client has not received yet; ${config.warmupMs / 1000} s warm-up,\n` +
        `   ${config.measureMs / 1000} s measured; ${generatorsFor(clients, options.generators)} generator process(es); median of ${s.runs} run(s).`,
    );
    const outcomes = await series(
      `fan-out ${clients}`,
      here,
      s.runs,
      (target) => fanoutRun(target, config),
      (r) =>
        `${count(r.deliveriesPerSecond)} deliveries/s, received/expected ${r.received}/${r.expected}, ${usageText(r.usage)}`,
    );
    for (const outcome of outcomes) {
      for (const run of outcome.runs) {
        if (run.problems.length > 0 || run.received !== run.expected) exact = false;
      }
      if (outcome.errors.length > 0) exact = false;
    }
    const peer = peerOf(outcomes);
    const deliveries = (run: FanoutRun) => run.deliveriesPerSecond;
    // What a server can do with a whole core, for when the generator, not the server, set the
    // pace: messages fanned out per second of the server's CPU.
    const perCpuSecond = (run: FanoutRun) => run.messagesPerSecond / run.usage.serverCpu;
    console.log(
      `\n${table(
        [
          'target',
          'runs',
          'deliveries/s median (min–max)',
          '× baseline',
          ...(peer ? [`× ${peer}`] : []),
          'msg/s',
          'µs CPU/msg',
          ...(peer ? [`× ${peer} per CPU`] : []),
          'received/expected',
          ...USAGE_HEADER,
          'msg/commit',
          'in store',
        ],
        outcomes.map((outcome) => {
          const received = outcome.runs.reduce((sum, run) => sum + run.received, 0);
          const expected = outcome.runs.reduce((sum, run) => sum + run.expected, 0);
          return [
            outcome.target.name,
            String(outcome.runs.length),
            summaryOf(
              outcome.runs.map((run) => run.deliveriesPerSecond),
              count,
            ),
            ratioCell(outcomes, outcome, deliveries),
            ...(peer ? [peerCell(outcomes, outcome, deliveries)] : []),
            count(median(outcome.runs.map((run) => run.messagesPerSecond))),
            fixed(median(outcome.runs.map((run) => 1e6 / perCpuSecond(run))), 1),
            ...(peer ? [peerCell(outcomes, outcome, perCpuSecond)] : []),
            expected > 0 ? `${(received / expected).toFixed(6)} (${count(received)})` : 'n/a',
            ...usageCells(outcome.runs.map((run) => run.usage)),
            fixed(median(outcome.runs.map((run) => run.messagesPerCommit)), 1),
            percent(median(outcome.runs.map((run) => run.storeShare))),
          ];
        }),
      )}`,
    );
    console.log(
      '   deliveries: chat messages received, summed over all clients (one message to one receiver = one).\n' +
        '   received/expected: over the whole run after the drain; must be exactly 1, in order, no duplicates.\n' +
        "   msg/commit: messages per group commit; in store: share of the server's time inside store.append.\n" +
        "   µs CPU/msg: the server's CPU time per message sent (each delivered to every other member): what\n" +
        '   the server can do, whether it or the generator set the pace.' +
        (peer
          ? `\n   × ${peer}: deliveries/s over ${peer}'s, whose clients speak IRC (bench/ngircd-server.ts);` +
            `\n   × ${peer} per CPU: messages per second of server CPU over ${peer}'s (its µs CPU/msg over ours).`
          : ''),
    );
    console.log(USAGE_NOTE);
    errorsNote(outcomes);
    for (const outcome of chatroomOutcomes(outcomes)) {
      const goals = outcome.target.goals;
      if (!goals?.fanoutAt.includes(clients)) continue;
      judge(
        `${outcome.target.name}: fan-out at ${count(clients)} clients ≥ ${count(goals.fanoutDeliveries)} deliveries/s`,
        median(outcome.runs.map((run) => run.deliveriesPerSecond)),
        goals.fanoutDeliveries,
        true,
        (v) => `${(v / 1e6).toFixed(2)} M/s`,
      );
      for (const { at, times } of goals.fanoutOverPeer ?? []) {
        if (at !== clients || !outcome.target.peer) continue;
        judge(
          `${outcome.target.name}: fan-out at ${count(clients)} clients ≥ ${times}× ${outcome.target.peer}'s`,
          ratio(outcomes, outcome, deliveries, outcome.target.peer) ?? Number.NaN,
          times,
          true,
          (v) => `${v.toFixed(2)}×`,
        );
      }
    }
    parts[String(clients)] = { config, outcomes };
  }
  report.fanout = parts;
  return exact;
}

async function latencyPart(
  s: Sizes,
  options: Options,
  targets: Target[],
  report: Record<string, unknown>,
) {
  const config = { ...s.latency, generators: options.generators };
  console.log(
    `\nLatency, ${count(config.clients)} clients in #lobby: ${config.senders} of them send ${config.rate} messages/s in all on a fixed\n` +
      `   schedule (open loop), ${config.bytes} B each; ${config.warmupMs / 1000} s warm-up, ${config.measureMs / 1000} s measured (${count((config.rate * config.measureMs) / 1000)} messages, each to ${count(config.clients - 1)}\n` +
      `   receivers); median of ${s.runs} run(s) of each percentile.`,
  );
  const outcomes = await series(
    'latency',
    targets,
    s.runs,
    (target) => latencyRun(target, config),
    (r) =>
      `per delivery p50 ${ms(r.delivery.p50)} p99 ${ms(r.delivery.p99)} ms, until everyone p50 ${ms(r.everyone.p50)} p99 ${ms(r.everyone.p99)} ms, ` +
      // One blocked call (a write waiting on a slow disk) shows in that run's tail alone.
      (r.loopDelay ? `server loop delay max ${ms(r.loopDelay.max)} ms, ` : '') +
      usageText(r.usage),
  );
  const cell = (outcome: Outcome<LatencyRun>, pick: (run: LatencyRun) => number) =>
    summaryOf(outcome.runs.map(pick), (v) => ms(v));
  const peer = peerOf(outcomes);
  const p99 = (run: LatencyRun) => run.delivery.p99;
  console.log(
    `\n${table(
      [
        'target',
        'runs',
        'delivery p50 ms',
        'p95',
        'p99 (min–max)',
        '× baseline',
        ...(peer ? [`× ${peer}`] : []),
        'p99.9',
        '× baseline',
        'everyone p50 (min–max)',
        '× baseline',
        'p95',
        'p99',
        'messages',
        ...USAGE_HEADER,
      ],
      outcomes.map((outcome) => [
        outcome.target.name,
        String(outcome.runs.length),
        ms(median(outcome.runs.map((run) => run.delivery.p50))),
        ms(median(outcome.runs.map((run) => run.delivery.p95))),
        cell(outcome, (run) => run.delivery.p99),
        ratioCell(outcomes, outcome, p99),
        ...(peer ? [peerCell(outcomes, outcome, p99)] : []),
        ms(median(outcome.runs.map((run) => run.delivery.p999))),
        ratioCell(outcomes, outcome, (run) => run.delivery.p999),
        cell(outcome, (run) => run.everyone.p50),
        ratioCell(outcomes, outcome, (run) => run.everyone.p50),
        ms(median(outcome.runs.map((run) => run.everyone.p95))),
        ms(median(outcome.runs.map((run) => run.everyone.p99))),
        count(median(outcome.runs.map((run) => run.messages))),
        ...usageCells(outcome.runs.map((run) => run.usage)),
      ]),
    )}`,
  );
  console.log(
    '   delivery: from the sender writing a message to one receiver reading it; everyone: from the write until\n' +
      '   the last of the receivers read it. Both are read in the generator, so they include its own time\n' +
      '   to get round all its sockets. × baseline: p99 and p99.9 per delivery, p50 until everyone' +
      (peer ? `; × ${peer}: p99 per delivery (below 1 = faster than ${peer}).` : '.'),
  );
  console.log(`\n${loopDelayTable(outcomes)}`);
  console.log(USAGE_NOTE);
  errorsNote(outcomes);
  // The goals are stated at 500 clients; --quick measures fewer.
  for (const outcome of options.quick ? [] : chatroomOutcomes(outcomes)) {
    const unit = (v: number) => `${ms(v)} ms`;
    const goals = outcome.target.goals;
    if (goals?.deliveryP99Ms !== undefined) {
      judge(
        `${outcome.target.name}: latency p99 per delivery ≤ ${goals.deliveryP99Ms} ms`,
        median(outcome.runs.map((run) => run.delivery.p99)),
        goals.deliveryP99Ms,
        false,
        unit,
      );
    }
    if (goals?.everyoneP50Ms !== undefined) {
      judge(
        `${outcome.target.name}: latency p50 until every receiver ≤ ${goals.everyoneP50Ms} ms`,
        median(outcome.runs.map((run) => run.everyone.p50)),
        goals.everyoneP50Ms,
        false,
        unit,
      );
    }
  }
  report.latency = { config, outcomes };
}

function gitState(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--', 'src'], {
      encoding: 'utf8',
    }).trim();
    return `${head}${dirty ? ' with uncommitted changes in src/' : ''}`;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.quick) {
    runner.maxQuietWaitMs = 2_000;
    runner.quietSampleMs = 200;
    runner.quietBudgetMs = 10_000;
    runner.attempts = 1;
  }
  if (options.pin) {
    if (cpus().length < 2) throw new Error('--pin needs at least two CPUs');
    pinCores();
  }
  const s = sizes(options);
  let targets = TARGETS.filter(
    (target) => !options.targets || options.targets.includes(target.name),
  );
  const scenarios = ['fanout', 'latency', 'rooms'] as const;
  let peerNote = '';
  if (
    targets.some((target) => target.server === 'ngircd') &&
    scenarios.some((part) => options.only.has(part))
  ) {
    const found = ensureNgircd((text) => console.log(text));
    if (found) peerNote = `; ngIRCd: ${found.binary}, ${found.version}`;
    else targets = targets.filter((target) => target.server !== 'ngircd');
  }
  const report: Record<string, unknown> = {};
  const started = Date.now();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine =
    `${cpus().length} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `${process.platform} ${release()}, Node ${process.version}, temp dir ${tmpdir()}, ` +
    `open files per process ${childFdLimit()}`;
  const code = gitState();
  console.log(
    `chatroom benchmarks${options.quick ? ' (--quick: a smoke run, one short run each; the figures are rough)' : ''}`,
  );
  console.log(
    `machine: ${machine}${options.pin ? '; pinned: servers on CPU 0, generators on CPU 1' : ''}`,
  );
  console.log(`code: ${code}; started ${new Date(started).toISOString()}`);
  console.log(
    `targets: ${targets.map((t) => t.name + (t.baseline ? ` (against ${[t.baseline, ...(t.peer ? [t.peer] : [])].join(' and ')})` : '')).join('; ')}${peerNote}`,
  );
  Object.assign(report, {
    machine,
    code,
    date: new Date(started).toISOString(),
    options: { ...options, only: [...options.only] },
  });

  let exact = true;
  if (options.only.has('fanout')) exact = (await fanoutPart(options, s, targets, report)) && exact;
  // --quick has two minutes: the peer only in the fan-out, and the flood on one door.
  const quickTargets = options.quick ? withoutPeer(targets) : targets;
  if (options.only.has('latency')) await latencyPart(s, options, quickTargets, report);
  if (options.only.has('flood')) {
    await floodPart(
      { ...s.latency, ...FLOOD, generators: options.generators },
      s.runs,
      options.quick ? targets.filter((target) => target.door === 'line') : targets,
      report,
    );
  }
  // Not ngIRCd: it listens with a backlog of 10, so thousands of clients connecting at once
  // overflow it and wait out SYN retransmits (1,000 took 55 s to join); what would be
  // measured is the kernel's retry timer.
  const lean = withoutPeer(targets);
  // The replayed lobby only in full runs: --quick keeps to one reading per door.
  const replay = options.quick
    ? []
    : REPLAY_TARGETS.filter((t) => lean.some((l) => t.name.startsWith(`${l.name},`)));
  if (options.only.has('memory')) await memoryPart(s, options, [...lean, ...replay], report);
  if (options.only.has('join')) await joinPart(s, options, lean, report);
  if (options.only.has('rooms'))
    exact = (await roomsPart(options, s.runs, quickTargets, report)) && exact;

  if (verdicts.length > 0) {
    console.log(
      '\nTargets of the issues (history on, the default SQLite store; bench/targets.ts):',
    );
    for (const verdict of verdicts) console.log(`   ${verdict.goal}: ${verdict.note}`);
    if (options.quick) {
      console.log(
        '   (--quick: one short run each, smaller latency, memory and join-storm sizes, latency not judged; see the full run.)',
      );
    }
    report.verdicts = verdicts;
  }

  if (options.only.has('store')) await storeBenchmark(options.quick, report);
  if (options.only.has('history')) {
    exact =
      (await historyFanout(
        { quick: options.quick, window: HISTORY_WINDOW, generators: options.generators },
        report,
      )) && exact;
  }
  if (options.only.has('enforcement')) {
    exact =
      (await enforcementFanout(
        { quick: options.quick, window: HISTORY_WINDOW, generators: options.generators },
        report,
      )) && exact;
  }
  if (options.only.has('cluster')) exact = (await clusterPart(options, s, report)) && exact;

  console.log(
    `\nEvery fan-out (and rooms) message delivered to every other member exactly once, in order: ${exact ? 'yes' : 'NO (see the problems above)'}`,
  );
  console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (!exact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

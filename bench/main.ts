/**
 * `npm run bench -- [--quick] [--only PARTS] [--runs N] [--json FILE] [--window N]
 *                   [--generators N] [--targets NAMES]`
 *
 * The benchmarks of the issue "Benchmarks" (BENCHMARKS.md), each for every front door beside
 * the baselines measured in the same run (bench/targets.ts):
 *   fanout   fan-out throughput at 100 and 1,000 clients in one room;
 *   latency  per-delivery latency and the time until every receiver has a message;
 *   flood    the latency of 100 clients while one client floods, against the same quiet;
 *   memory   server RSS growth per idle connection at 1,000 and 10,000 clients;
 *   join     a join storm of 5,000 clients;
 * and those of "Durable history" (docs/benchmarks.md):
 *   store    the history store's throughput;
 *   history  fan-out with the SQLite store vs the memory store.
 * Runs of the different targets alternate so that slow drift of the machine hits them alike,
 * each waits for the machine to be quiet first, and each figure is the median of the runs with
 * the spread (min–max). Exits 1 if a fan-out delivery was lost, duplicated or reordered (a
 * missed performance target is reported, not an error).
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { floodPart } from './flood.js';
import { historyFanout, storeBenchmark } from './history.js';
import {
  chatroomOutcomes,
  errorsNote,
  fixed,
  judge,
  type Outcome,
  ratioCell,
  series,
  USAGE_HEADER,
  USAGE_NOTE,
  usageCells,
  usageText,
  verdicts,
} from './report.js';
import { childFdLimit } from './rpc.js';
import { progress, runner } from './runner.js';
import {
  fanoutRun,
  generatorsFor,
  joinRun,
  type LatencyConfig,
  type LatencyRun,
  latencyRun,
  type MemoryPending,
  type MemoryRun,
  memoryStart,
  serverCanHold,
} from './scenarios.js';
import { count, kib, median, ms, percent, summaryOf, table } from './stats.js';
import { TARGETS, type Target } from './targets.js';

const PARTS = ['fanout', 'latency', 'flood', 'memory', 'join', 'store', 'history'] as const;
type Part = (typeof PARTS)[number];

interface Options {
  quick: boolean;
  json: string | undefined;
  only: Set<Part>;
  runs: number | undefined;
  window: number;
  generators: number;
  targets: string[] | undefined;
}

const USAGE = `usage: npm run bench -- [--quick] [--only ${PARTS.join(',')}] [--runs N] [--json FILE]
                      [--window N] [--generators N] [--targets "${TARGETS.map((t) => t.name).join(',')}"]`;

function positive(value: string | undefined, flag: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} takes a positive whole number`);
  return n;
}

function parseArgs(argv: readonly string[]): Options {
  const options: Options = {
    quick: false,
    json: undefined,
    only: new Set(PARTS),
    runs: undefined,
    window: 64,
    generators: 1,
    targets: undefined,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--window') options.window = positive(argv[++i], arg);
    else if (arg === '--runs') options.runs = positive(argv[++i], arg);
    else if (arg === '--generators') options.generators = positive(argv[++i], arg);
    else if (arg === '--targets') {
      options.targets = (argv[++i] ?? '').split(',').map((name) => name.trim());
      for (const name of options.targets) {
        if (!TARGETS.some((target) => target.name === name)) throw new Error(`no target "${name}"`);
      }
    } else if (arg === '--only') {
      const parts = (argv[++i] ?? '').split(',');
      for (const part of parts) {
        if (!PARTS.includes(part as Part))
          throw new Error(`--only takes some of ${PARTS.join(',')}`);
      }
      options.only = new Set(parts as Part[]);
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

/**
 * Messages each sender may have in flight in the history comparison: 8, as when its figures in
 * docs/benchmarks.md were first taken (the scenarios' --window defaults to 64).
 */
const HISTORY_WINDOW = 8;

/**
 * The flood benchmark of the issue "Hardening": the latency scenario at 100 clients, quiet and
 * with a flooder, on a server that spares only 127.0.0.1 from its limits.
 */
const FLOOD = { clients: 100, limitsExempt: '127.0.0.1/32', floodFrom: '127.0.0.2' };

/** The sizes the issues' goals (bench/targets.ts) are stated at. */
const GOAL = {
  memoryAt: 10_000,
  joinClients: 5_000,
};

interface Sizes {
  runs: number;
  fanoutClients: number[];
  fanout: { senders: number; bytes: number; warmupMs: number; measureMs: number };
  latency: Omit<LatencyConfig, 'generators'>;
  memoryClients: number[];
  /** How long each server is left idle before its memory is read. */
  memoryIdleMs: number;
  joinClients: number;
  joinConcurrency: number;
}

function sizes(options: Options): Sizes {
  const quick = options.quick;
  return {
    runs: options.runs ?? (quick ? 1 : 3),
    // --quick: 500 rather than 1,000, as the ws baseline takes half a minute to get through
    // what is in flight at 1,000.
    fanoutClients: quick ? [100, 500] : [100, 1_000],
    fanout: {
      senders: 10,
      bytes: 64,
      warmupMs: quick ? 500 : 1_000,
      measureMs: quick ? 1_500 : 5_000,
    },
    latency: {
      clients: 500,
      senders: 10,
      rate: 100,
      bytes: 64,
      warmupMs: quick ? 500 : 1_000,
      measureMs: quick ? 2_000 : 10_000,
      graceMs: quick ? 1_000 : 2_000,
    },
    memoryClients: quick ? [1_000, 2_000] : [1_000, GOAL.memoryAt],
    memoryIdleMs: 8_000,
    joinClients: quick ? 1_000 : GOAL.joinClients,
    joinConcurrency: 250,
  };
}

// ---------------------------------------------------------------------------------------------

async function fanoutPart(
  options: Options,
  s: Sizes,
  targets: Target[],
  report: Record<string, unknown>,
) {
  let exact = true;
  const parts: Record<string, unknown> = {};
  for (const clients of s.fanoutClients) {
    const config = { ...s.fanout, clients, window: options.window, generators: options.generators };
    console.log(
      `\nFan-out, ${count(clients)} clients in #lobby: ${config.senders} of them send ${config.bytes}-byte messages in a closed loop,\n` +
        `   each with at most ${config.window} messages that some client has not received yet; ${config.warmupMs / 1000} s warm-up,\n` +
        `   ${config.measureMs / 1000} s measured; ${generatorsFor(clients, options.generators)} generator process(es); median of ${s.runs} run(s).`,
    );
    const outcomes = await series(
      `fan-out ${clients}`,
      targets,
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
    console.log(
      `\n${table(
        [
          'target',
          'runs',
          'deliveries/s median (min–max)',
          '× baseline',
          'msg/s',
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
            ratioCell(outcomes, outcome, (run) => run.deliveriesPerSecond),
            count(median(outcome.runs.map((run) => run.messagesPerSecond))),
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
        "   msg/commit: messages per group commit; in store: share of the server's time inside store.append.",
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
      `per delivery p50 ${ms(r.delivery.p50)} p99 ${ms(r.delivery.p99)} ms, until everyone p50 ${ms(r.everyone.p50)} p99 ${ms(r.everyone.p99)} ms, ${usageText(r.usage)}`,
  );
  const cell = (outcome: Outcome<LatencyRun>, pick: (run: LatencyRun) => number) =>
    summaryOf(outcome.runs.map(pick), (v) => ms(v));
  console.log(
    `\n${table(
      [
        'target',
        'runs',
        'delivery p50 ms',
        'p95',
        'p99 (min–max)',
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
        ratioCell(outcomes, outcome, (run) => run.delivery.p99),
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
      '   to get round all its sockets. × baseline: p99 per delivery, p50 until everyone.',
  );
  console.log(USAGE_NOTE);
  errorsNote(outcomes);
  for (const outcome of chatroomOutcomes(outcomes)) {
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

/**
 * Memory rounds: in each, every target's clients join (one target, then one size, after
 * another), then each target's server is read once it has been idle for `memoryIdleMs`, so
 * the idle times overlap. Returns the outcomes by size.
 */
async function memorySeries(
  sizes: readonly number[],
  options: Options,
  targets: readonly Target[],
  s: Sizes,
): Promise<Map<number, Outcome<MemoryRun>[]>> {
  const bySize = new Map(
    sizes.map((clients) => [
      clients,
      targets.map((target): Outcome<MemoryRun> => ({ target, runs: [], errors: [] })),
    ]),
  );
  const failed = (outcome: Outcome<MemoryRun>, name: string, error: unknown) => {
    const text = error instanceof Error ? error.message : String(error);
    progress(`  ${name}: FAILED: ${text}`);
    outcome.errors.push(text.split('\n')[0]!);
  };
  for (let round = 1; round <= s.runs; round++) {
    const pending: Array<[Outcome<MemoryRun>, string, MemoryPending]> = [];
    for (const [clients, outcomes] of bySize) {
      const config = { clients, generators: options.generators, concurrency: MEMORY_CONCURRENCY };
      for (const outcome of outcomes) {
        const name = `memory ${clients}: ${outcome.target.name} run ${round}/${s.runs}`;
        try {
          pending.push([outcome, name, await memoryStart(outcome.target, config)]);
        } catch (error) {
          failed(outcome, name, error);
        }
      }
    }
    for (const [outcome, name, run] of pending) {
      try {
        const r = await run.finish(s.memoryIdleMs);
        for (const problem of r.problems) progress(`    problem: ${problem}`);
        progress(
          `  ${name}: ${kib(r.rssPerConnection)} KiB RSS per connection (${(r.rssBefore / 2 ** 20).toFixed(1)} → ${(r.rssAfter / 2 ** 20).toFixed(1)} MiB), heap ${kib(r.heapPerConnection)} KiB, joined in ${(r.joinMs / 1000).toFixed(1)} s`,
        );
        outcome.runs.push(r);
      } catch (error) {
        failed(outcome, name, error);
      }
    }
  }
  return bySize;
}

/** Clients joining at once in the memory scenario. */
const MEMORY_CONCURRENCY = 100;

async function memoryPart(
  s: Sizes,
  options: Options,
  targets: Target[],
  report: Record<string, unknown>,
) {
  const parts: Record<string, unknown> = {};
  const sizes = s.memoryClients.filter((clients) => {
    if (serverCanHold(clients)) return true;
    console.log(
      `\nMemory at ${count(clients)} clients: skipped, the open-file limit (${childFdLimit()}) is too low for the server.`,
    );
    return false;
  });
  console.log(
    `\nMemory, ${sizes.map(count).join(' and ')} idle clients in #lobby: server RSS after a full GC before the first client\n` +
      `   connects, and again after a full GC once all have joined (${MEMORY_CONCURRENCY} joining at a time), nothing has arrived for 1 s\n` +
      `   and the server has been left idle for ${s.memoryIdleMs / 1000} s more; median of ${s.runs} run(s).`,
  );
  // --quick: both sizes in the same rounds, so that all the idle times overlap.
  const results = new Map<number, Outcome<MemoryRun>[]>();
  for (const group of options.quick ? [sizes] : sizes.map((clients) => [clients])) {
    for (const [clients, outcomes] of await memorySeries(group, options, targets, s)) {
      results.set(clients, outcomes);
    }
  }
  for (const [clients, outcomes] of results) {
    const config = {
      clients,
      generators: generatorsFor(clients, options.generators),
      concurrency: MEMORY_CONCURRENCY,
    };
    console.log(
      `\nMemory, ${count(clients)} idle clients (${config.generators} generator process(es)):`,
    );
    console.log(
      `\n${table(
        [
          'target',
          'runs',
          'RSS/conn KiB (min–max)',
          '× baseline',
          'heap used/conn',
          'heap reserved/conn',
          'external/conn',
          'RSS before MiB',
          'RSS after MiB',
          'join s',
        ],
        outcomes.map((outcome) => [
          outcome.target.name,
          String(outcome.runs.length),
          summaryOf(
            outcome.runs.map((run) => run.rssPerConnection),
            kib,
          ),
          ratioCell(outcomes, outcome, (run) => run.rssPerConnection),
          kib(median(outcome.runs.map((run) => run.heapPerConnection))),
          kib(median(outcome.runs.map((run) => run.heapTotalPerConnection))),
          kib(median(outcome.runs.map((run) => run.externalPerConnection))),
          (median(outcome.runs.map((run) => run.rssBefore)) / 2 ** 20).toFixed(1),
          (median(outcome.runs.map((run) => run.rssAfter)) / 2 ** 20).toFixed(1),
          (median(outcome.runs.map((run) => run.joinMs)) / 1000).toFixed(1),
        ]),
      )}`,
    );
    console.log(
      '   RSS/conn: (RSS with every client idle − RSS before the first) / clients; KiB = 1,024 bytes. The same\n' +
        "   for V8's heap in use and reserved, and for memory V8 knows of outside its heap (Buffers); all KiB.\n" +
        "   Kernel socket buffers are in no process's RSS.",
    );
    errorsNote(outcomes);
    if (clients === GOAL.memoryAt) {
      for (const outcome of chatroomOutcomes(outcomes)) {
        const limit = outcome.target.goals?.rssPerConnection;
        if (limit === undefined) continue;
        judge(
          `${outcome.target.name}: ≤ ${kib(limit)} KiB RSS per idle connection at ${count(clients)}`,
          median(outcome.runs.map((run) => run.rssPerConnection)),
          limit,
          false,
          (v) => `${kib(v)} KiB`,
        );
      }
    }
    parts[String(clients)] = { config, outcomes };
  }
  report.memory = parts;
}

async function joinPart(
  s: Sizes,
  options: Options,
  targets: Target[],
  report: Record<string, unknown>,
) {
  const config = {
    clients: s.joinClients,
    generators: options.generators,
    concurrency: s.joinConcurrency,
  };
  console.log(
    `\nJoin storm: ${count(config.clients)} clients connect and join #lobby, ${config.concurrency} connecting or joining at a time; from the\n` +
      `   first connect until the last client is in #lobby; median of ${s.runs} run(s).`,
  );
  const outcomes = await series(
    'join storm',
    targets,
    s.runs,
    (target) => joinRun(target, config),
    (r) => `${(r.ms / 1000).toFixed(2)} s, ${usageText(r.usage)}`,
  );
  console.log(
    `\n${table(
      ['target', 'runs', 'seconds median (min–max)', '× baseline', 'joins/s', ...USAGE_HEADER],
      outcomes.map((outcome) => [
        outcome.target.name,
        String(outcome.runs.length),
        summaryOf(
          outcome.runs.map((run) => run.ms / 1000),
          (v) => v.toFixed(2),
        ),
        ratioCell(outcomes, outcome, (run) => run.ms),
        count(config.clients / (median(outcome.runs.map((run) => run.ms)) / 1000)),
        ...usageCells(outcome.runs.map((run) => run.usage)),
      ]),
    )}`,
  );
  console.log(
    '   chatroom announces each join to the room (about n²/2 notices in all) and names up to 50 members to\n' +
      '   each joiner; the baselines only answer the nickname.',
  );
  console.log(USAGE_NOTE);
  errorsNote(outcomes);
  if (config.clients === GOAL.joinClients) {
    for (const outcome of chatroomOutcomes(outcomes)) {
      const limit = outcome.target.goals?.joinMs;
      if (limit === undefined) continue;
      judge(
        `${outcome.target.name}: join storm of ${count(config.clients)} < ${limit / 1000} s`,
        median(outcome.runs.map((run) => run.ms)),
        limit,
        false,
        (v) => `${(v / 1000).toFixed(2)} s`,
      );
    }
  }
  report.join = { config, outcomes };
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
  const s = sizes(options);
  const targets = TARGETS.filter(
    (target) => !options.targets || options.targets.includes(target.name),
  );
  const report: Record<string, unknown> = {};
  const started = Date.now();
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine =
    `${availableParallelism()} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `${process.platform} ${release()}, Node ${process.version}, temp dir ${tmpdir()}, ` +
    `open files per process ${childFdLimit()}`;
  const code = gitState();
  console.log(
    `chatroom benchmarks${options.quick ? ' (--quick: a smoke run, one short run each; the figures are rough)' : ''}`,
  );
  console.log(`machine: ${machine}`);
  console.log(`code: ${code}; started ${new Date(started).toISOString()}`);
  console.log(
    `targets: ${targets.map((t) => t.name + (t.baseline ? ` (against ${t.baseline})` : '')).join('; ')}`,
  );
  Object.assign(report, {
    machine,
    code,
    date: new Date(started).toISOString(),
    options: { ...options, only: [...options.only] },
  });

  let exact = true;
  if (options.only.has('fanout')) exact = (await fanoutPart(options, s, targets, report)) && exact;
  if (options.only.has('latency')) await latencyPart(s, options, targets, report);
  if (options.only.has('flood')) {
    await floodPart(
      { ...s.latency, ...FLOOD, generators: options.generators },
      s.runs,
      targets,
      report,
    );
  }
  if (options.only.has('memory')) await memoryPart(s, options, targets, report);
  if (options.only.has('join')) await joinPart(s, options, targets, report);

  if (verdicts.length > 0) {
    console.log(
      '\nTargets of the issues (history on, the default SQLite store; bench/targets.ts):',
    );
    for (const verdict of verdicts) console.log(`   ${verdict.goal}: ${verdict.note}`);
    if (options.quick) {
      console.log(
        '   (--quick: one short run each and smaller memory and join-storm sizes; see the full run.)',
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

  console.log(
    `\nEvery fan-out message delivered to every other client exactly once, in order: ${exact ? 'yes' : 'NO (see the problems above)'}`,
  );
  console.log(`Took ${((Date.now() - started) / 1000).toFixed(0)} s.`);
  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (!exact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

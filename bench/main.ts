/**
 * `npm run bench -- [--quick] [--json FILE] [--only store|fanout] [--window N]`
 *
 * Benchmarks for "Durable history":
 *  1. store throughput: GroupCommitter over SqliteStore (synchronous NORMAL and FULL) and over
 *     MemoryStore, each run in a fresh child process (bench/store-worker.ts);
 *  2. fan-out through the real server with the SQLite store vs the memory store: the server in
 *     a child process (bench/server-worker.ts), 100 line clients driven from this one
 *     (bench/fanout.ts).
 * Runs of different configurations are interleaved so that slow drift of the machine hits
 * them alike, and each waits for the machine to be quiet first; each figure is the median of
 * the runs, with the spread (min–max). Exits 1 if a delivery was lost, duplicated or reordered
 * (a missed performance target is reported, not an error).
 */
import { fork } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism, cpus, release, tmpdir, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { type FanoutConfig, type FanoutResult, runFanout } from './fanout.js';
import { waitForQuiet } from './machine.js';
import type { ServerStore } from './server-worker.js';
import { count, median, percent, spread, summary, table } from './stats.js';
import type { StoreKind, StoreRunConfig, StoreRunResult } from './store-worker.js';

const TARGET_STORE_RATE = 50_000;
const TARGET_FANOUT_DROP = 0.15;

interface Options {
  quick: boolean;
  json: string | undefined;
  only: 'store' | 'fanout' | undefined;
  window: number;
}

const USAGE = 'usage: npm run bench -- [--quick] [--json FILE] [--only store|fanout] [--window N]';

function parseArgs(argv: readonly string[]): Options {
  const options: Options = { quick: false, json: undefined, only: undefined, window: 8 };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--quick') options.quick = true;
    else if (arg === '--json') options.json = argv[++i];
    else if (arg === '--window') {
      options.window = Number(argv[++i]);
      if (!Number.isInteger(options.window) || options.window < 1) {
        throw new Error('--window takes a positive whole number');
      }
    } else if (arg === '--only') {
      const only = argv[++i];
      if (only !== 'store' && only !== 'fanout') throw new Error('--only takes store or fanout');
      options.only = only;
    } else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`unknown argument ${arg}\n${USAGE}`);
  }
  return options;
}

const progress = (text: string) => process.stderr.write(`${text}\n`);

let maxQuietWaitMs = 60_000;

/** Before each run: wait (up to a minute) for other processes to leave the CPUs alone. */
async function quietMoment(): Promise<void> {
  const { waitedMs, busy } = await waitForQuiet(0.15, 500, maxQuietWaitMs);
  if (waitedMs >= maxQuietWaitMs) {
    progress(
      `  (the machine is busy: other processes use ${busy.toFixed(2)} cores; gave up waiting after ${(waitedMs / 1000).toFixed(0)} s)`,
    );
  } else if (waitedMs > 1_000) {
    progress(`  (waited ${(waitedMs / 1000).toFixed(0)} s for other processes to quieten down)`);
  }
}

/** Other processes' CPU (in cores) above which a run is judged disturbed and done again. */
const BUSY_CORES = 0.25;
let attempts = 3;

/**
 * Runs `attempt` after a quiet moment; if other processes took more than BUSY_CORES meanwhile,
 * tries again (up to `attempts` in all) and keeps the least disturbed run.
 */
async function undisturbed<T extends { otherCores: number }>(
  label: string,
  attempt: () => Promise<T>,
): Promise<T> {
  let best: T | undefined;
  for (let i = 1; i <= attempts; i++) {
    await quietMoment();
    const result = await attempt();
    if (!best || result.otherCores < best.otherCores) best = result;
    if (!(result.otherCores > BUSY_CORES)) break;
    progress(
      `  ${label}: other processes took ${result.otherCores.toFixed(2)} cores during the run; ` +
        (i < attempts ? 'running it again' : 'keeping the least disturbed run'),
    );
  }
  return best!;
}

function storeRun(config: StoreRunConfig): Promise<StoreRunResult> {
  const child = fork(fileURLToPath(new URL('./store-worker.js', import.meta.url)), [
    JSON.stringify(config),
  ]);
  return new Promise((resolve, reject) => {
    child.once('message', (message: { ok: boolean; result?: StoreRunResult; error?: string }) => {
      if (message.ok) resolve(message.result!);
      else reject(new Error(`store run ${JSON.stringify(config)} failed: ${message.error}`));
    });
    child.once('exit', (code) => {
      if (code !== 0) reject(new Error(`store worker exited with ${code}`));
    });
    child.once('error', reject);
  });
}

interface StoreRow {
  config: StoreRunConfig;
  runs: StoreRunResult[];
}

async function storeSeries(configs: StoreRunConfig[], runs: number): Promise<StoreRow[]> {
  const rows: StoreRow[] = configs.map((config) => ({ config, runs: [] }));
  for (let run = 1; run <= runs; run++) {
    for (const row of rows) {
      const label = `store ${row.config.store} burst ${row.config.burst} run ${run}/${runs}`;
      const result = await undisturbed(label, () => storeRun(row.config));
      progress(
        `  ${label}: ` +
          `${count(result.perSecond)} msg/s, other processes ${result.otherCores.toFixed(2)} cores`,
      );
      row.runs.push(result);
    }
  }
  return rows;
}

function storeTable(rows: StoreRow[]): string {
  return table(
    ['store', 'burst', 'messages', 'runs', 'msg/s median (min–max)', 'msg/txn', 'CPU', 'others'],
    rows.map(({ config, runs }) => [
      config.store,
      String(config.burst),
      count(config.total),
      String(runs.length),
      summary(runs.map((run) => run.perSecond)),
      count(median(runs.map((run) => run.messages / run.batches))),
      percent(median(runs.map((run) => run.cpu)), 0),
      Math.max(...runs.map((run) => run.otherCores)).toFixed(2),
    ]),
  );
}

function fanoutTable(results: Record<ServerStore, FanoutResult[]>): string {
  return table(
    [
      'store',
      'runs',
      'deliveries/s median (min–max)',
      'msg/s',
      'received/expected',
      'server ELU',
      'server CPU',
      'client ELU',
      'client CPU',
      'others',
      'msg/commit',
      'in store',
    ],
    (Object.keys(results) as ServerStore[])
      .filter((store) => results[store].length > 0)
      .map((store) => {
        const runs = results[store];
        const received = runs.reduce((sum, run) => sum + run.received, 0);
        const expected = runs.reduce((sum, run) => sum + run.expected, 0);
        return [
          store,
          String(runs.length),
          summary(runs.map((run) => run.deliveriesPerSecond)),
          count(median(runs.map((run) => run.messagesPerSecond))),
          `${count(received)}/${count(expected)} = ${(received / expected).toFixed(6)}`,
          percent(median(runs.map((run) => run.serverElu)), 0),
          percent(median(runs.map((run) => run.serverCpu)), 0),
          percent(median(runs.map((run) => run.clientElu)), 0),
          percent(median(runs.map((run) => run.clientCpu)), 0),
          Math.max(...runs.map((run) => run.otherCores)).toFixed(2),
          median(runs.map((run) => run.messagesPerCommit)).toFixed(1),
          percent(median(runs.map((run) => run.storeShare))),
        ];
      }),
  );
}

async function storeBenchmark(quick: boolean, report: Record<string, unknown>): Promise<void> {
  const runs = quick ? 1 : 3;
  const total = quick ? 50_000 : 200_000;
  const bytes = 64;
  console.log(
    `\n1. Store throughput: GroupCommitter → store, ${count(total)} appends of ${bytes}-byte messages to one room,\n` +
      '   issued <burst> per event-loop turn (as if <burst> connections each sent one message in the same turn);\n' +
      '   a fresh process and a fresh database (in the temp dir) per run.',
  );
  const main = await storeSeries(
    (['sqlite-normal', 'sqlite-full', 'memory'] as StoreKind[]).map((store) => ({
      store,
      total,
      burst: 100,
      bytes,
    })),
    runs,
  );
  const sweep = quick
    ? []
    : await storeSeries(
        [
          ...[1, 10, 1_000].map((burst) => ({
            store: 'sqlite-normal' as StoreKind,
            total: burst === 1 ? 50_000 : total,
            burst,
            bytes,
          })),
        ],
        runs,
      );
  console.log(`\n${storeTable([...main, ...sweep])}`);
  console.log(
    '   msg/txn: messages per transaction (store.append call). CPU: this process, share of one core.\n' +
      '   others: the most cores that other processes used during a run (0 = a quiet machine).',
  );
  const normal = median(main[0]!.runs.map((run) => run.perSecond));
  const memory = median(main[2]!.runs.map((run) => run.perSecond));
  const verdict = normal >= TARGET_STORE_RATE ? 'MET' : 'MISSED';
  console.log(
    `\nTarget: SQLite store (synchronous normal, burst 100) sustains ≥ ${count(TARGET_STORE_RATE)} msg/s: ${verdict}\n` +
      `   ${count(normal)} msg/s = ${percent(normal / TARGET_STORE_RATE, 0)} of the target` +
      (verdict === 'MISSED' ? ` (short by ${percent(1 - normal / TARGET_STORE_RATE, 0)})` : '') +
      `; the memory store over the same committer: ${count(memory)} msg/s.`,
  );
  report.store = [...main, ...sweep];
}

async function fanoutBenchmark(
  options: Options,
  report: Record<string, unknown>,
): Promise<{ met: boolean; exact: boolean }> {
  const runs = options.quick ? 1 : 7;
  const base: Omit<FanoutConfig, 'store'> = {
    clients: 100,
    senders: 10,
    window: options.window,
    bytes: 64,
    warmupMs: options.quick ? 500 : 1_000,
    measureMs: options.quick ? 2_000 : 5_000,
  };
  console.log(
    `\n2. Fan-out: the real server in a child process, ${base.clients} line clients in #lobby over loopback driven from\n` +
      `   this process; ${base.senders} of them send ${base.bytes}-byte messages, each with at most ${base.window} not yet seen by an\n` +
      `   observer client; ${base.warmupMs / 1000} s warm-up, ${base.measureMs / 1000} s measured; a fresh server per run, sqlite and memory alternating.`,
  );
  const results: Record<ServerStore, FanoutResult[]> = {
    sqlite: [],
    memory: [],
  };
  // Every run, kept or discarded as disturbed, must have delivered exactly.
  const everyRun: FanoutResult[] = [];
  const measure = async (store: ServerStore, label: string) => {
    const result = await undisturbed(label, async () => {
      const attempt = await runFanout({ ...base, store });
      everyRun.push(attempt);
      for (const problem of attempt.problems) progress(`    problem: ${problem}`);
      return attempt;
    });
    progress(
      `  ${label}: ${count(result.deliveriesPerSecond)} deliveries/s, ` +
        `received/expected ${result.received}/${result.expected}, server ELU ${percent(result.serverElu, 0)}, ` +
        `client ELU ${percent(result.clientElu, 0)}, other processes ${result.otherCores.toFixed(2)} cores`,
    );
    results[store].push(result);
  };
  for (let run = 1; run <= runs; run++) {
    for (const store of ['sqlite', 'memory'] as const) {
      await measure(store, `fan-out ${store} run ${run}/${runs}`);
    }
  }
  console.log(`\n${fanoutTable(results)}`);
  console.log(
    '   deliveries: message lines received, summed over all clients. ELU: event-loop utilisation (100% = never\n' +
      '   idle). CPU: share of one core. others: the most cores other processes used during a run. msg/commit:\n' +
      "   messages per group commit. in store: share of the server's wall time spent inside store.append.",
  );
  const sqlite = results.sqlite.map((run) => run.deliveriesPerSecond);
  const memory = results.memory.map((run) => run.deliveriesPerSecond);
  const ratio = median(sqlite) / median(memory);
  const pairs = sqlite.map((value, i) => value / memory[i]!);
  const { min, max } = spread(pairs);
  // With the server saturated, its time per message is what sets the rate: the extra time the
  // SQLite store takes per message predicts the ratio, without the noise of two throughputs.
  const predicted =
    (1 - median(results.sqlite.map((run) => run.storeShare))) /
    (1 - median(results.memory.map((run) => run.storeShare)));
  const drop = 1 - ratio;
  const met = drop < TARGET_FANOUT_DROP;
  console.log(
    `\nsqlite/memory deliveries per second: ${ratio.toFixed(3)} (ratio of the medians; run-by-run pairs ${min.toFixed(3)}–${max.toFixed(3)},` +
      ` median pair ${median(pairs).toFixed(3)})`,
  );
  console.log(
    `   predicted from the time spent in the store: ${predicted.toFixed(3)} (drop ${percent(1 - predicted)})`,
  );
  console.log(
    `Target: fan-out throughput with history drops < ${percent(TARGET_FANOUT_DROP, 0)} vs memory: ${met ? 'MET' : 'MISSED'} (drop ${percent(drop)})`,
  );
  const exact = everyRun.every((run) => run.problems.length === 0 && run.received === run.expected);
  console.log(
    `Every message delivered to every other client exactly once, in order: ${exact ? 'yes' : 'NO (see the problems above)'}`,
  );
  report.fanout = { config: base, results, ratio, pairs, predicted };
  return { met, exact };
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  if (options.quick) {
    maxQuietWaitMs = 5_000;
    attempts = 1;
  }
  const report: Record<string, unknown> = {};
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const machine =
    `${availableParallelism()} CPUs (${cpu}), ${Math.round(totalmem() / 2 ** 30)} GiB, ` +
    `${process.platform} ${release()}, Node ${process.version}, temp dir ${tmpdir()}`;
  console.log(
    `chatroom benchmarks${options.quick ? ' (--quick: a smoke run; the figures are rough)' : ''}`,
  );
  console.log(`machine: ${machine}`);
  report.machine = machine;
  report.options = options;
  report.date = new Date().toISOString();

  if (options.only !== 'fanout') await storeBenchmark(options.quick, report);
  let exact = true;
  if (options.only !== 'store') ({ exact } = await fanoutBenchmark(options, report));

  if (options.json) writeFileSync(options.json, `${JSON.stringify(report, null, 2)}\n`);
  if (!exact) process.exitCode = 1;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

/**
 * The benchmarks of "Durable history" (docs/benchmarks.md):
 *  1. store throughput: GroupCommitter over SqliteStore (synchronous NORMAL and FULL) and over
 *     MemoryStore, each run in a fresh child process (bench/store-worker.ts);
 *  2. fan-out through the real server with the SQLite store vs the memory store (the fan-out
 *     scenario of bench/scenarios.ts at 100 clients), runs alternating.
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  allDelivered,
  alternatingRuns,
  hundredClientFanout,
  type PairedOptions,
} from './paired-fanout.js';
import { progress, undisturbed } from './runner.js';
import type { FanoutRun } from './scenarios.js';
import { count, median, percent, spread, summary, table } from './stats.js';
import type { StoreKind, StoreRunConfig, StoreRunResult } from './store-worker.js';
import { HISTORY_TARGETS } from './targets.js';

const TARGET_STORE_RATE = 50_000;
const TARGET_FANOUT_DROP = 0.1;

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

export async function storeBenchmark(
  quick: boolean,
  report: Record<string, unknown>,
): Promise<void> {
  const runs = quick ? 1 : 3;
  const total = quick ? 50_000 : 200_000;
  const bytes = 64;
  console.log(
    `\nStore throughput: GroupCommitter → store, ${count(total)} appends of ${bytes}-byte messages to one room,\n` +
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
        [1, 10, 1_000].map((burst) => ({
          store: 'sqlite-normal' as StoreKind,
          total: burst === 1 ? 50_000 : total,
          burst,
          bytes,
        })),
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

function historyTable(results: FanoutRun[][]): string {
  return table(
    [
      'store',
      'runs',
      'deliveries/s median (min–max)',
      'msg/s',
      'received/expected',
      'server ELU',
      'server CPU',
      'gen ELU',
      'gen CPU',
      'others',
      'msg/commit',
      'in store',
    ],
    results.map((runs, i) => {
      const received = runs.reduce((sum, run) => sum + run.received, 0);
      const expected = runs.reduce((sum, run) => sum + run.expected, 0);
      return [
        HISTORY_TARGETS[i]!.name,
        String(runs.length),
        summary(runs.map((run) => run.deliveriesPerSecond)),
        count(median(runs.map((run) => run.messagesPerSecond))),
        `${count(received)}/${count(expected)} = ${(received / expected).toFixed(6)}`,
        percent(median(runs.map((run) => run.usage.serverElu)), 0),
        percent(median(runs.map((run) => run.usage.serverCpu)), 0),
        percent(median(runs.map((run) => run.usage.generatorElu)), 0),
        percent(median(runs.map((run) => run.usage.generatorCpu)), 0),
        Math.max(...runs.map((run) => run.otherCores)).toFixed(2),
        median(runs.map((run) => run.messagesPerCommit)).toFixed(1),
        percent(median(runs.map((run) => run.storeShare))),
      ];
    }),
  );
}

/** Fan-out with history on (SQLite) vs the memory store; returns whether delivery was exact. */
export async function historyFanout(
  options: PairedOptions,
  report: Record<string, unknown>,
): Promise<boolean> {
  const runs = options.quick ? 1 : 7;
  const config = hundredClientFanout(options);
  console.log(
    `\nHistory on vs off: the fan-out scenario at ${config.clients} clients (${config.senders} senders, ${config.bytes} B, window ${config.window};\n` +
      `   ${config.warmupMs / 1000} s warm-up, ${config.measureMs / 1000} s measured) with the SQLite store and with the memory store,\n` +
      '   a fresh server per run, the two alternating.',
  );
  const { results, attempts } = await alternatingRuns('history', HISTORY_TARGETS, config, runs);
  console.log(`\n${historyTable(results)}`);
  console.log(
    "   msg/commit: messages per group commit. in store: share of the server's wall time inside store.append.",
  );
  const sqlite = results[0]!.map((run) => run.deliveriesPerSecond);
  const memory = results[1]!.map((run) => run.deliveriesPerSecond);
  const ratio = median(sqlite) / median(memory);
  const pairs = sqlite.map((value, i) => value / memory[i]!);
  const { min, max } = spread(pairs);
  // With the server saturated, its time per message sets the rate: the extra time the SQLite
  // store takes per message predicts the ratio, without the noise of two throughputs.
  const predicted =
    (1 - median(results[0]!.map((run) => run.storeShare))) /
    (1 - median(results[1]!.map((run) => run.storeShare)));
  const drop = 1 - ratio;
  console.log(
    `\nsqlite/memory deliveries per second: ${ratio.toFixed(3)} (ratio of the medians; run-by-run pairs ${min.toFixed(3)}–${max.toFixed(3)})`,
  );
  console.log(
    `   predicted from the time spent in the store: ${predicted.toFixed(3)} (drop ${percent(1 - predicted)})`,
  );
  console.log(
    `Target: fan-out throughput with history drops < ${percent(TARGET_FANOUT_DROP, 0)} vs memory: ${drop < TARGET_FANOUT_DROP ? 'MET' : 'MISSED'} (drop ${percent(drop)})`,
  );
  report.history = { config, results, ratio, pairs, predicted };
  return allDelivered(attempts);
}

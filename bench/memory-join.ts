import { GOAL, type Options, type Sizes } from './options.js';
import {
  chatroomOutcomes,
  errorsNote,
  judge,
  type Outcome,
  ratioCell,
  series,
  USAGE_HEADER,
  USAGE_NOTE,
  usageCells,
  usageText,
} from './report.js';
import { childFdLimit } from './rpc.js';
import { progress } from './runner.js';
import {
  generatorsFor,
  joinRun,
  type MemoryPending,
  type MemoryRun,
  memoryStart,
  serverCanHold,
} from './scenarios.js';
import { count, kib, median, summaryOf, table } from './stats.js';
import type { Target } from './targets.js';

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
      const config = {
        clients,
        generators: options.generators,
        concurrency: MEMORY_CONCURRENCY,
        startIdleMs: s.memoryStartIdleMs,
      };
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
          `  ${name}: ${kib(r.rssNoGcPerConnection)} KiB RSS per connection after the storm (no GC), ${kib(r.rssIdleNoGcPerConnection)} KiB idle (no GC), ${kib(r.rssPerConnection)} KiB idle after a GC (${(r.rssBefore / 2 ** 20).toFixed(1)} → ${(r.rssAfter / 2 ** 20).toFixed(1)} MiB), heap ${kib(r.heapPerConnection)} KiB, joined in ${(r.joinMs / 1000).toFixed(1)} s`,
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

export async function memoryPart(
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
      `   connects; again with no forced GC once all have joined (${MEMORY_CONCURRENCY} joining at a time) and nothing has arrived\n` +
      `   for 1 s (what an operator sees: the judged figure); and, once the server has been idle ${s.memoryIdleMs / 1000} s more,\n` +
      `   with no forced GC and then after one; median of ${s.runs} run(s). Targets "50 replayed" join a lobby whose 50 messages are replayed.`,
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
          'RSS/conn no GC KiB (min–max)',
          '× baseline',
          'idle, no GC',
          'idle, after GC',
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
            outcome.runs.map((run) => run.rssNoGcPerConnection),
            kib,
          ),
          ratioCell(outcomes, outcome, (run) => run.rssNoGcPerConnection),
          kib(median(outcome.runs.map((run) => run.rssIdleNoGcPerConnection))),
          kib(median(outcome.runs.map((run) => run.rssPerConnection))),
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
      '   RSS/conn: (RSS with every client in − RSS before the first) / clients, with no GC forced: 1 s after the storm\n' +
        "   (judged) and once idle (V8's memory reducer has had its chance); then after a forced GC. KiB = 1,024 bytes.\n" +
        "   The same, after the GC, for V8's heap in use and reserved, and for memory\n" +
        '   V8 knows of outside its heap (Buffers); all KiB.\n' +
        "   Kernel socket buffers are in no process's RSS.",
    );
    errorsNote(outcomes);
    if (clients === GOAL.memoryAt) {
      for (const outcome of chatroomOutcomes(outcomes)) {
        const limit = outcome.target.goals?.rssPerConnection;
        if (limit === undefined) continue;
        judge(
          `${outcome.target.name}: ≤ ${kib(limit)} KiB RSS per idle connection at ${count(clients)} (no forced GC)`,
          median(outcome.runs.map((run) => run.rssNoGcPerConnection)),
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

export async function joinPart(
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

/**
 * How bench/main.ts reports: runs of several targets alternated and gathered (`series`), the
 * usage columns every table shares, ratios to a baseline, and the verdicts on the issues'
 * goals printed at the end.
 */
import { progress, runner, undisturbed } from './runner.js';
import type { LatencyRun, Usage } from './scenarios.js';
import type { LoopDelay } from './server-common.js';
import { median, percent, table } from './stats.js';
import type { Target } from './targets.js';

export interface Outcome<R> {
  target: Target;
  runs: R[];
  errors: string[];
}

/**
 * Runs `run` `runs` times for each target, the targets alternating within each round; a run
 * that throws is reported and counted as missing.
 */
export async function series<R extends { otherCores: number; problems: string[] }>(
  label: string,
  targets: readonly Target[],
  runs: number,
  run: (target: Target) => Promise<R>,
  describe: (result: R) => string,
  rerunWhenDisturbed = true,
): Promise<Outcome<R>[]> {
  const outcomes: Outcome<R>[] = targets.map((target) => ({ target, runs: [], errors: [] }));
  for (let round = 1; round <= runs; round++) {
    for (const outcome of outcomes) {
      const name = `${label}: ${outcome.target.name} run ${round}/${runs}`;
      try {
        const result = await undisturbed(
          name,
          () => run(outcome.target),
          rerunWhenDisturbed ? runner.attempts : 1,
        );
        for (const problem of result.problems) progress(`    problem: ${problem}`);
        progress(`  ${name}: ${describe(result)}`);
        outcome.runs.push(result);
      } catch (error) {
        const text = error instanceof Error ? error.message : String(error);
        progress(`  ${name}: FAILED: ${text}`);
        outcome.errors.push(text.split('\n')[0]!);
      }
    }
  }
  return outcomes;
}

export function usageText(usage: Usage): string {
  return (
    `server ELU ${percent(usage.serverElu, 0)} CPU ${percent(usage.serverCpu, 0)}, ` +
    `generator ELU ${percent(usage.generatorElu, 0)} CPU ${percent(usage.generatorCpu, 0)}, ` +
    `others ${usage.otherCores.toFixed(2)}` +
    (usage.bound === 'generator' ? ' [GENERATOR-BOUND]' : '')
  );
}

/** How many runs each process bound the figure: e.g. "generator 3/3". */
export function boundText(usages: Usage[]): string {
  const counts = new Map<string, number>();
  for (const usage of usages) counts.set(usage.bound, (counts.get(usage.bound) ?? 0) + 1);
  return [...counts.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([bound, n]) => `${bound === 'generator' ? 'GENERATOR' : bound} ${n}/${usages.length}`)
    .join(', ');
}

export function usageCells(usages: Usage[]): string[] {
  const med = (pick: (usage: Usage) => number) => median(usages.map(pick));
  return [
    percent(
      med((u) => u.serverElu),
      0,
    ),
    percent(
      med((u) => u.serverCpu),
      0,
    ),
    percent(
      med((u) => u.generatorElu),
      0,
    ),
    percent(
      med((u) => u.generatorCpu),
      0,
    ),
    usages.length > 0 ? Math.max(...usages.map((u) => u.otherCores)).toFixed(2) : 'n/a',
    boundText(usages),
  ];
}

export const fixed = (value: number, digits: number) =>
  Number.isFinite(value) ? value.toFixed(digits) : 'n/a';

export const USAGE_HEADER = [
  'server ELU',
  'server CPU',
  'gen ELU',
  'gen CPU',
  'others',
  'bound by',
];

export const USAGE_NOTE =
  '   ELU: event-loop utilisation (100% = never idle); CPU: share of one core (generators summed);\n' +
  '   others: the most cores other processes used during a run; bound by: whose event loop was\n' +
  '   saturated (ELU ≥ 90%) per run; GENERATOR means the load generator, not the server, set the figure;\n' +
  "   cpus: neither loop was, but the machine's CPUs were 90% busy.";

/**
 * The median of `pick` over a target's runs divided by the same for its baseline (or for the
 * target named `against`).
 */
export function ratio<R>(
  outcomes: Outcome<R>[],
  outcome: Outcome<R>,
  pick: (run: R) => number,
  against = outcome.target.baseline,
): number | undefined {
  const base = outcomes.find((other) => other.target.name === against);
  if (!base || base.runs.length === 0) return undefined;
  return median(outcome.runs.map(pick)) / median(base.runs.map(pick));
}

export function ratioCell<R>(
  outcomes: Outcome<R>[],
  outcome: Outcome<R>,
  pick: (run: R) => number,
) {
  if (!outcome.target.baseline) {
    // A peer is compared with in a column of its own, not divided by a baseline.
    return outcomes.some((other) => other.target.peer === outcome.target.name) ? '' : 'baseline';
  }
  const value = ratio(outcomes, outcome, pick);
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(2)}×`;
}

/** The peer (bench/targets.ts) the table compares with, if it ran: e.g. 'ngIRCd'. */
export function peerOf<R>(outcomes: Outcome<R>[]): string | undefined {
  const peer = outcomes.find((outcome) => outcome.target.peer)?.target.peer;
  return outcomes.some((outcome) => outcome.target.name === peer) ? peer : undefined;
}

/** The ratio to the peer; blank for targets without one, 'peer' for the peer itself. */
export function peerCell<R>(outcomes: Outcome<R>[], outcome: Outcome<R>, pick: (run: R) => number) {
  if (outcome.target.name === peerOf(outcomes)) return 'peer';
  if (!outcome.target.peer) return '';
  const value = ratio(outcomes, outcome, pick, outcome.target.peer);
  return value === undefined || !Number.isFinite(value) ? 'n/a' : `${value.toFixed(2)}×`;
}

export function errorsNote<R>(outcomes: Outcome<R>[]): void {
  for (const outcome of outcomes) {
    for (const error of outcome.errors)
      console.log(`   ${outcome.target.name}: a run failed: ${error}`);
  }
}

export interface Verdict {
  goal: string;
  measured: string;
  met: boolean | undefined;
  note: string;
}

export const verdicts: Verdict[] = [];

export function judge(
  goal: string,
  value: number,
  limit: number,
  higherIsBetter: boolean,
  unit: (v: number) => string,
) {
  if (!Number.isFinite(value)) {
    verdicts.push({ goal, measured: 'n/a', met: undefined, note: 'not measured' });
    return;
  }
  const met = higherIsBetter ? value >= limit : value <= limit;
  const by = higherIsBetter ? 1 - value / limit : value / limit - 1;
  verdicts.push({
    goal,
    measured: unit(value),
    met,
    note: met
      ? `met: ${unit(value)} (limit ${unit(limit)})`
      : higherIsBetter
        ? `MISSED: ${unit(value)} is ${percent(value / limit, 0)} of ${unit(limit)} (short by ${percent(by, by < 0.01 ? 2 : 0)})`
        : `MISSED: ${unit(value)} is ${(value / limit).toFixed(2)}× the limit of ${unit(limit)} (over by ${percent(by, by < 0.01 ? 2 : 0)})`,
  });
}

export function chatroomOutcomes<R>(outcomes: Outcome<R>[]): Outcome<R>[] {
  return outcomes.filter((outcome) => outcome.target.baseline !== undefined);
}

/**
 * The servers' event-loop delay during the measured interval, medians over the runs: how late
 * timers ran (perf_hooks.monitorEventLoopDelay, 1 ms resolution; an idle loop reads about
 * 1 ms, the sampling interval). A delivery can be no earlier than the loop gets to it, so a
 * spike here is a spike in every latency above; servers that are not Node processes (ngIRCd)
 * have none.
 */
export function loopDelayTable(outcomes: readonly Outcome<LatencyRun>[]): string {
  const measured = outcomes.filter((outcome) =>
    outcome.runs.some((run) => run.loopDelay !== undefined),
  );
  const cell = (outcome: Outcome<LatencyRun>, pick: (delay: LoopDelay) => number) =>
    median(outcome.runs.flatMap((run) => (run.loopDelay ? [pick(run.loopDelay)] : []))).toFixed(1);
  return `Event-loop delay of each server while measured (ms, median of the runs; idle reads ~1 ms):\n${table(
    ['target', 'p50', 'p99', 'p99.9', 'max'],
    measured.map((outcome) => [
      outcome.target.name,
      cell(outcome, (delay) => delay.p50),
      cell(outcome, (delay) => delay.p99),
      cell(outcome, (delay) => delay.p999),
      cell(outcome, (delay) => delay.max),
    ]),
  )}`;
}

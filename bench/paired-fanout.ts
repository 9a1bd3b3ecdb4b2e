/**
 * Two servers compared on the fan-out scenario at 100 clients, a fresh server per run and the
 * two alternating, so slow drifts of a shared machine fall on both alike. History on vs off
 * and enforcement on vs off are both measured this way.
 */
import { progress, undisturbed } from './runner.js';
import { type FanoutConfig, type FanoutRun, fanoutRun } from './scenarios.js';
import { count, percent } from './stats.js';
import type { Target } from './targets.js';

export interface PairedOptions {
  quick: boolean;
  window: number;
  generators: number;
}

export function hundredClientFanout(options: PairedOptions): FanoutConfig {
  return {
    clients: 100,
    senders: 10,
    window: options.window,
    bytes: 64,
    warmupMs: options.quick ? 500 : 1_000,
    measureMs: options.quick ? 1_500 : 5_000,
    generators: options.generators,
  };
}

/**
 * Runs every target `runs` times, alternating; per target, the least disturbed attempt of
 * each run. Every attempt, kept or not, is in `attempts`: a failure in any counts.
 */
export async function alternatingRuns(
  part: string,
  targets: readonly Target[],
  config: FanoutConfig,
  runs: number,
): Promise<{ results: FanoutRun[][]; attempts: FanoutRun[] }> {
  const results: FanoutRun[][] = targets.map(() => []);
  const attempts: FanoutRun[] = [];
  for (let run = 1; run <= runs; run++) {
    for (const [i, target] of targets.entries()) {
      const label = `${part}: ${target.name} run ${run}/${runs}`;
      const result = await undisturbed(label, async () => {
        const attempt = await fanoutRun(target, config);
        attempts.push(attempt);
        for (const problem of attempt.problems) progress(`    problem: ${problem}`);
        return attempt;
      });
      progress(
        `  ${label}: ${count(result.deliveriesPerSecond)} deliveries/s, received/expected ` +
          `${result.received}/${result.expected}, server ELU ${percent(result.usage.serverElu, 0)}, ` +
          `others ${result.otherCores.toFixed(2)} cores`,
      );
      results[i]!.push(result);
    }
  }
  return { results, attempts };
}

export function allDelivered(attempts: readonly FanoutRun[]): boolean {
  return attempts.every((run) => run.problems.length === 0 && run.received === run.expected);
}

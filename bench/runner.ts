/**
 * Running a measurement on a shared machine: wait for a quiet moment first, and run it again
 * (up to `attempts` times in all) when other processes took more than BUSY_CORES meanwhile,
 * keeping the least disturbed attempt.
 */
import { waitForQuiet } from './machine.js';

export const progress = (text: string) => process.stderr.write(`${text}\n`);

/** Other processes' CPU (in cores) above which a run is judged disturbed and done again. */
export const BUSY_CORES = 0.25;

export const runner = {
  attempts: 3,
  maxQuietWaitMs: 60_000,
  quietSampleMs: 500,
  /** The most all quiet moments together may wait (--quick has a time limit). */
  quietBudgetMs: Number.POSITIVE_INFINITY,
};

let waitedInAll = 0;

/** Before each run: wait (up to a minute) for other processes to leave the CPUs alone. */
export async function quietMoment(): Promise<void> {
  const budget = runner.quietBudgetMs - waitedInAll;
  if (budget <= 0) return;
  const { waitedMs, busy } = await waitForQuiet(
    0.15,
    runner.quietSampleMs,
    Math.min(runner.maxQuietWaitMs, budget),
  );
  waitedInAll += waitedMs;
  if (waitedMs >= Math.min(runner.maxQuietWaitMs, budget)) {
    progress(
      `  (the machine is busy: other processes use ${busy.toFixed(2)} cores; gave up waiting after ${(waitedMs / 1000).toFixed(0)} s)`,
    );
  } else if (waitedMs > 1_000) {
    progress(`  (waited ${(waitedMs / 1000).toFixed(0)} s for other processes to quieten down)`);
  }
}

/**
 * Runs `attempt` after a quiet moment; if other processes took more than BUSY_CORES meanwhile,
 * tries again (up to `runner.attempts` in all) and keeps the least disturbed run.
 */
export async function undisturbed<T extends { otherCores: number }>(
  label: string,
  attempt: () => Promise<T>,
  attempts = runner.attempts,
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

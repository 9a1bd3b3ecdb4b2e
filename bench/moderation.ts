/**
 * "Enforcement is free" (docs/moderation.md): the fan-out scenario at 100 clients in a plain
 * lobby against the same in a lobby that is moderated (+m, every sender voiced) and carries
 * 1,000 ban masks, so every message passes the mute, ban and voice checks. A fresh server per
 * run (SQLite, history on), the two alternating.
 */
import { BENCH_BANS } from './moderated-lobby.js';
import { progress, undisturbed } from './runner.js';
import { type FanoutConfig, type FanoutRun, fanoutRun } from './scenarios.js';
import { count, median, percent, spread, summary, table } from './stats.js';
import { MODERATION_TARGETS } from './targets.js';

/** Within noise: the moderated lobby keeps at least this share of the plain one's rate. */
const TARGET_RATIO = 0.95;

export async function enforcementFanout(
  options: { quick: boolean; window: number; generators: number },
  report: Record<string, unknown>,
): Promise<boolean> {
  const runs = options.quick ? 1 : 5;
  const config: FanoutConfig = {
    clients: 100,
    senders: 10,
    window: options.window,
    bytes: 64,
    warmupMs: options.quick ? 500 : 1_000,
    measureMs: options.quick ? 1_500 : 5_000,
    generators: options.generators,
  };
  console.log(
    `\nEnforcement: the fan-out scenario at ${config.clients} clients (${config.senders} senders, ${config.bytes} B) in a plain\n` +
      `   #lobby and in one that is moderated (+m, every sender voiced) with ${count(BENCH_BANS)} ban masks; a fresh\n` +
      '   server per run (SQLite), the two alternating.',
  );
  const results: FanoutRun[][] = MODERATION_TARGETS.map(() => []);
  for (let run = 1; run <= runs; run++) {
    for (const [i, target] of MODERATION_TARGETS.entries()) {
      const label = `enforcement: ${target.name} run ${run}/${runs}`;
      const result = await undisturbed(label, () => fanoutRun(target, config));
      for (const problem of result.problems) progress(`    problem: ${problem}`);
      progress(
        `  ${label}: ${count(result.deliveriesPerSecond)} deliveries/s, received/expected ` +
          `${result.received}/${result.expected}, others ${result.otherCores.toFixed(2)} cores`,
      );
      results[i]!.push(result);
    }
  }
  console.log(
    `\n${table(
      ['target', 'runs', 'deliveries/s median (min–max)', 'server ELU', 'others (cores)'],
      MODERATION_TARGETS.map((target, i) => {
        const rows = results[i]!;
        return [
          target.name,
          String(rows.length),
          summary(rows.map((run) => run.deliveriesPerSecond)),
          percent(median(rows.map((run) => run.usage.serverElu)), 0),
          Math.max(...rows.map((run) => run.otherCores)).toFixed(2),
        ];
      }),
    )}`,
  );
  const plain = results[0]!.map((run) => run.deliveriesPerSecond);
  const moderated = results[1]!.map((run) => run.deliveriesPerSecond);
  const ratio = median(moderated) / median(plain);
  const { min, max } = spread(moderated.map((value, i) => value / plain[i]!));
  console.log(
    `\nmoderated/plain deliveries per second: ${ratio.toFixed(3)} (ratio of the medians; run-by-run pairs ${min.toFixed(3)}–${max.toFixed(3)})`,
  );
  console.log(
    `Target: enforcement within noise (moderated ≥ ${TARGET_RATIO} × plain): ${ratio >= TARGET_RATIO ? 'MET' : 'MISSED'}`,
  );
  report.enforcement = { config, results, ratio };
  return results.flat().every((run) => run.problems.length === 0 && run.received === run.expected);
}

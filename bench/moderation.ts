/**
 * "Enforcement is free" (docs/moderation.md): the fan-out scenario at 100 clients in a plain
 * lobby against the same in a lobby that is moderated (+m, every sender voiced) and carries
 * 1,000 ban masks, so every message passes the mute, ban and voice checks. A fresh server per
 * run (SQLite, history on), the two alternating.
 */
import { BENCH_BANS } from './moderated-lobby.js';
import {
  allDelivered,
  alternatingRuns,
  hundredClientFanout,
  type PairedOptions,
} from './paired-fanout.js';
import { count, median, percent, spread, summary, table } from './stats.js';
import { MODERATION_TARGETS } from './targets.js';

/** Within noise: the moderated lobby keeps at least this share of the plain one's rate. */
const TARGET_RATIO = 0.95;

export async function enforcementFanout(
  options: PairedOptions,
  report: Record<string, unknown>,
): Promise<boolean> {
  const runs = options.quick ? 1 : 5;
  const config = hundredClientFanout(options);
  console.log(
    `\nEnforcement: the fan-out scenario at ${config.clients} clients (${config.senders} senders, ${config.bytes} B) in a plain\n` +
      `   #lobby and in one that is moderated (+m, every sender voiced) with ${count(BENCH_BANS)} ban masks; a fresh\n` +
      '   server per run (SQLite), the two alternating.',
  );
  const { results, attempts } = await alternatingRuns(
    'enforcement',
    MODERATION_TARGETS,
    config,
    runs,
  );
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
  return allDelivered(attempts);
}

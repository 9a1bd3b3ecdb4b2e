/**
 * The flood benchmark (the issue "Hardening"): the latency scenario at 100 clients, each run
 * once quiet and once while a client floods #lobby from an address the limits apply to
 * (bench/flooder.ts), alternating. The flood control holds if the others' p99 per delivery
 * under the flood stays within 1.5× of the quiet one.
 */
import {
  chatroomOutcomes,
  errorsNote,
  judge,
  type Outcome,
  series,
  USAGE_NOTE,
  usageText,
} from './report.js';
import { type LatencyConfig, type LatencyRun, latencyRun } from './scenarios.js';
import { count, median, ms, summaryOf, table } from './stats.js';
import type { Target } from './targets.js';

/** The flooded p99 per delivery may be at most this many times the quiet one. */
const GOAL_RATIO = 1.5;

type FloodConfig = LatencyConfig & { limitsExempt: string; floodFrom: string };

export async function floodPart(
  config: FloodConfig,
  runs: number,
  targets: readonly Target[],
  report: Record<string, unknown>,
): Promise<void> {
  const { floodFrom, ...quiet } = config;
  console.log(
    `\nFlood: the latency scenario with ${count(config.clients)} clients (${config.senders} senders, ${config.rate} messages/s in all),\n` +
      `   quiet, and while one more client on ${floodFrom} writes to #lobby as fast as its socket takes it,\n` +
      `   connecting again whenever it is cut off; --limits-exempt ${config.limitsExempt}. Median of ${runs} run(s).`,
  );
  // The limits are chatroom's: the baselines have none to measure.
  const chatroom = targets.filter((target) => target.baseline !== undefined);
  const pairs = chatroom.flatMap((target) => [
    { ...target, name: `${target.name} quiet`, baseline: undefined },
    { ...target, name: `${target.name} flooded`, baseline: `${target.name} quiet` },
  ]);
  const outcomes = await series(
    'flood',
    pairs,
    runs,
    (target) => latencyRun(target, target.name.endsWith('flooded') ? config : quiet),
    (r) =>
      `per delivery p50 ${ms(r.delivery.p50)} p99 ${ms(r.delivery.p99)} ms${r.flood ? `, flooder: ${floodText(r)}` : ''}, ${usageText(r.usage)}`,
  );
  const p99 = (outcome: Outcome<LatencyRun> | undefined) =>
    outcome ? median(outcome.runs.map((run) => run.delivery.p99)) : Number.NaN;
  console.log(
    `\n${table(
      ['target', 'runs', 'delivery p50 ms', 'p99 (min–max)', '× quiet', 'everyone p50', 'flooder'],
      outcomes.map((outcome) => {
        const quietOutcome = outcomes.find(
          (other) => other.target.name === outcome.target.baseline,
        );
        return [
          outcome.target.name,
          String(outcome.runs.length),
          ms(median(outcome.runs.map((run) => run.delivery.p50))),
          summaryOf(
            outcome.runs.map((run) => run.delivery.p99),
            (v) => ms(v),
          ),
          quietOutcome ? `${(p99(outcome) / p99(quietOutcome)).toFixed(2)}×` : '',
          ms(median(outcome.runs.map((run) => run.everyone.p50))),
          outcome.runs[0]?.flood ? floodText(outcome.runs[0]) : '',
        ];
      }),
    )}`,
  );
  console.log(
    '   flooder (first run): connections opened / got into #lobby, messages written, and the errors it\n' +
      '   was sent (the excess-flood disconnects and the refusals of the per-address limits).',
  );
  console.log(USAGE_NOTE);
  errorsNote(outcomes);
  for (const outcome of chatroomOutcomes(outcomes)) {
    const quietOutcome = outcomes.find((other) => other.target.name === outcome.target.baseline);
    judge(
      `${outcome.target.name}: p99 per delivery ≤ ${GOAL_RATIO}× quiet`,
      p99(outcome) / p99(quietOutcome),
      GOAL_RATIO,
      false,
      (v) => `${v.toFixed(2)}×`,
    );
  }
  report.flood = { config, outcomes };
}

function floodText(run: LatencyRun): string {
  const flood = run.flood;
  if (!flood) return '';
  const errors = Object.entries(flood.errors)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([text, n]) => `${n}× "${text}"`)
    .join(', ');
  return `${count(flood.connections)}/${count(flood.joined)} connections, ${count(flood.written)} written${errors ? `, ${errors}` : ''}`;
}

/**
 * How busy the whole machine is, from /proc/stat (Linux only; elsewhere these report
 * nothing). The benchmarks compete with whatever else runs on the machine — on a small
 * machine a concurrent build or test run skews the figures badly — so each run records the
 * CPU that other processes took while it was measured, and waits for a quiet moment first.
 */
import { readFileSync } from 'node:fs';

/** Seconds of CPU time, summed over all CPUs: busy (not idle or iowait), and all. */
export interface CpuTimes {
  busy: number;
  total: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux build that matters

export function cpuTimes(): CpuTimes | undefined {
  try {
    const line = readFileSync('/proc/stat', 'latin1').split('\n', 1)[0]!;
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal (guest fields are already in user)
    const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0, steal = 0] =
      fields;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** CPUs' worth of busy time between two readings (e.g. 1.5 = one and a half cores busy). */
export function busyCores(before: CpuTimes | undefined, after: CpuTimes | undefined, ms: number) {
  if (!before || !after) return Number.NaN;
  return (after.busy - before.busy) / (ms / 1000);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until the machine has been nearly idle (under `threshold` cores busy) for one
 * `sampleMs` sample, giving up after `maxWaitMs`. Returns how long it waited and the last
 * reading, so the caller can say that it ran on a busy machine.
 */
export async function waitForQuiet(
  threshold = 0.15,
  sampleMs = 500,
  maxWaitMs = 60_000,
): Promise<{ waitedMs: number; busy: number }> {
  const start = Date.now();
  for (;;) {
    const before = cpuTimes();
    if (!before) return { waitedMs: 0, busy: Number.NaN };
    await sleep(sampleMs);
    const busy = busyCores(before, cpuTimes(), sampleMs);
    const waitedMs = Date.now() - start;
    if (busy < threshold || waitedMs >= maxWaitMs) return { waitedMs, busy };
  }
}

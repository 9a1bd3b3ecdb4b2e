/**
 * One clock for every benchmark process: milliseconds on the system's monotonic clock (the
 * one behind process.hrtime), which all processes on the machine share, so a send time taken
 * in one load generator can be compared with a receive time taken in another. Cheap to read
 * (performance.now(), no allocation), with sub-microsecond resolution.
 */
import { performance } from 'node:perf_hooks';

const base = Number(process.hrtime.bigint()) / 1e6 - performance.now();

export function clock(): number {
  return base + performance.now();
}

/** Small numeric and formatting helpers shared by the benchmark entry points. */

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function spread(values: readonly number[]): { min: number; max: number } {
  return { min: Math.min(...values), max: Math.max(...values) };
}

/** 1234567 -> "1,234,567" (no decimals). */
export function count(value: number): string {
  return Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : 'n/a';
}

export function percent(value: number, digits = 1): string {
  return Number.isFinite(value) ? `${(value * 100).toFixed(digits)}%` : 'n/a';
}

/** "median (min–max)" for a list of rates. */
export function summary(values: readonly number[]): string {
  const { min, max } = spread(values);
  return `${count(median(values))} (${count(min)}–${count(max)})`;
}

/** A plain-text table with a header row, columns padded to their widest cell. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, i) =>
    Math.max(cell.length, ...rows.map((row) => (row[i] ?? '').length)),
  );
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!)))
      .join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** The value below which a share `p` (0–1) of `values` lies (nearest rank). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}

const FINE_US = 10; // bucket width below 100 ms
const FINE_BUCKETS = 10_000;
const COARSE_US = 1_000; // bucket width from 100 ms to 10 s
const COARSE_BUCKETS = 9_900;

/**
 * Latencies in microseconds, counted in buckets 10 µs wide up to 100 ms and 1 ms wide up to
 * 10 s (beyond that, in the last bucket): half a million samples in 80 KB, mergeable across
 * processes, percentiles within 10 µs.
 */
export class Histogram {
  readonly counts: Uint32Array;
  total = 0;
  max = 0;

  constructor(counts?: Uint32Array) {
    this.counts = counts ?? new Uint32Array(FINE_BUCKETS + COARSE_BUCKETS);
    if (counts) {
      for (const n of counts) this.total += n;
      // The exact maximum stayed behind: the upper edge of the highest bucket in use.
      const top = counts.findLastIndex((n) => n > 0);
      if (top >= 0) this.max = Histogram.upperEdge(top);
    }
  }

  private static upperEdge(bucket: number): number {
    return bucket < FINE_BUCKETS
      ? (bucket + 1) * FINE_US
      : FINE_BUCKETS * FINE_US + (bucket - FINE_BUCKETS + 1) * COARSE_US;
  }

  record(us: number): void {
    const value = us < 0 ? 0 : us;
    const bucket =
      value < FINE_BUCKETS * FINE_US
        ? Math.floor(value / FINE_US)
        : Math.min(
            FINE_BUCKETS + COARSE_BUCKETS - 1,
            FINE_BUCKETS + Math.floor((value - FINE_BUCKETS * FINE_US) / COARSE_US),
          );
    this.counts[bucket]!++;
    this.total++;
    if (value > this.max) this.max = value;
  }

  merge(other: Histogram): void {
    for (let i = 0; i < this.counts.length; i++) {
      this.counts[i] = (this.counts[i] ?? 0) + (other.counts[i] ?? 0);
    }
    this.total += other.total;
    this.max = Math.max(this.max, other.max);
  }

  /** Microseconds below which a share `p` (0–1) of the samples lie (the bucket's upper edge). */
  percentile(p: number): number {
    if (this.total === 0) return Number.NaN;
    const rank = Math.max(1, Math.ceil(p * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Histogram.upperEdge(i);
    }
    return this.max;
  }
}

/** Milliseconds with two decimals, "n/a" if not a number. */
export function ms(value: number, digits = 2): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

/** Bytes as KiB with one decimal. */
export function kib(bytes: number): string {
  return Number.isFinite(bytes) ? (bytes / 1024).toFixed(1) : 'n/a';
}

/** "median (min–max)" with each number formatted by `format`. */
export function summaryOf(values: readonly number[], format: (value: number) => string): string {
  if (values.length === 0) return 'n/a';
  const { min, max } = spread(values);
  return values.length === 1
    ? format(values[0]!)
    : `${format(median(values))} (${format(min)}–${format(max)})`;
}

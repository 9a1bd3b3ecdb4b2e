export type LineItem =
  /**
   * A view of the chunk pushed, not a copy: every door decodes its lines to text at once, and
   * a line kept as it is would pin the whole read it came in.
   */
  | { kind: 'line'; bytes: Buffer }
  /**
   * A line longer than the limit ended; its bytes were dropped as they came. bytes: how long
   * it was (without its LF), for doors that treat a merely long line and a huge one apart.
   */
  | { kind: 'too-long'; bytes: number }
  /** So much arrived without a newline that the sender is not speaking a line protocol. */
  | { kind: 'flood' };

export interface LineLimits {
  maxLineBytes: number;
  /** Unterminated bytes tolerated (and discarded) before giving up on the connection. */
  maxUnterminatedBytes: number;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits a byte stream at LF (dropping one CR before it). Holds at most maxLineBytes: an
 * overlong line is discarded as it arrives, never buffered.
 */
export class LineSplitter {
  private parts: Buffer[] = [];
  private pending = 0;
  private discarding = false;
  private discarded = 0;
  private dead = false;

  constructor(private readonly limits: LineLimits) {}

  push(chunk: Buffer): LineItem[] {
    const items: LineItem[] = [];
    if (this.dead) return items;
    let start = 0;
    for (let newline = chunk.indexOf(LF); newline !== -1; newline = chunk.indexOf(LF, start)) {
      const segment = chunk.subarray(start, newline);
      start = newline + 1;
      if (this.discarding || this.pending + segment.length > this.limits.maxLineBytes + 1) {
        items.push({ kind: 'too-long', bytes: this.discarded + this.pending + segment.length });
        this.reset();
        continue;
      }
      let line = this.pending === 0 ? segment : Buffer.concat([...this.parts, segment]);
      if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, -1);
      this.reset();
      if (line.length > this.limits.maxLineBytes) {
        items.push({ kind: 'too-long', bytes: line.length });
      } else items.push({ kind: 'line', bytes: line });
    }
    const rest = chunk.subarray(start);
    if (rest.length === 0) return items;
    if (!this.discarding && this.pending + rest.length > this.limits.maxLineBytes + 1) {
      this.discarding = true;
      this.discarded = this.pending;
      this.parts = [];
      this.pending = 0;
    }
    if (this.discarding) {
      this.discarded += rest.length;
      if (this.discarded > this.limits.maxUnterminatedBytes) {
        this.dead = true;
        items.push({ kind: 'flood' });
      }
    } else {
      this.parts.push(Buffer.from(rest));
      this.pending += rest.length;
    }
    return items;
  }

  private reset(): void {
    this.parts = [];
    this.pending = 0;
    this.discarding = false;
    this.discarded = 0;
  }
}

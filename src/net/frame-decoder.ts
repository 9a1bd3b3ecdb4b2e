export const FRAME_HEADER_BYTES = 10;

export type FrameItem =
  | { kind: 'frame'; bytes: Buffer }
  | { kind: 'error'; code: 'FRAME_INVALID' | 'FRAME_TOO_LONG'; message: string };

// What the tutorial writes, f"{len(data):<10}", and what its int(header.strip()) accepts.
const HEADER_PATTERN = /^ *[0-9]+ *$/;

/**
 * Decodes the tutorials' framing: a 10-byte ASCII decimal length, left-aligned and padded
 * with spaces, then that many bytes. A bad header is fatal: after it there is no way to find
 * the next frame boundary, so the decoder stops.
 */
export class FrameDecoder {
  private header = Buffer.alloc(FRAME_HEADER_BYTES);
  private headerFilled = 0;
  private body: Buffer | undefined;
  private bodyFilled = 0;
  private dead = false;

  constructor(private readonly maxFrameBytes: number) {}

  push(chunk: Buffer): FrameItem[] {
    const items: FrameItem[] = [];
    let offset = 0;
    while (!this.dead && offset < chunk.length) {
      if (this.body === undefined) {
        const take = Math.min(FRAME_HEADER_BYTES - this.headerFilled, chunk.length - offset);
        chunk.copy(this.header, this.headerFilled, offset, offset + take);
        this.headerFilled += take;
        offset += take;
        if (this.headerFilled < FRAME_HEADER_BYTES) break;
        const length = this.parseHeader(items);
        if (length === undefined) break;
        this.headerFilled = 0;
        if (length === 0) {
          items.push({ kind: 'frame', bytes: Buffer.alloc(0) });
          continue;
        }
        this.body = Buffer.allocUnsafe(length);
        this.bodyFilled = 0;
      }
      const take = Math.min(this.body.length - this.bodyFilled, chunk.length - offset);
      chunk.copy(this.body, this.bodyFilled, offset, offset + take);
      this.bodyFilled += take;
      offset += take;
      if (this.bodyFilled === this.body.length) {
        items.push({ kind: 'frame', bytes: this.body });
        this.body = undefined;
      }
    }
    return items;
  }

  private parseHeader(items: FrameItem[]): number | undefined {
    const text = this.header.toString('latin1');
    if (!HEADER_PATTERN.test(text)) {
      this.dead = true;
      items.push({
        kind: 'error',
        code: 'FRAME_INVALID',
        message: 'A frame must start with its length as 10 ASCII digits and spaces.',
      });
      return undefined;
    }
    const length = Number.parseInt(text, 10);
    if (length > this.maxFrameBytes) {
      this.dead = true;
      items.push({
        kind: 'error',
        code: 'FRAME_TOO_LONG',
        message: `Frames are at most ${this.maxFrameBytes} bytes; this one claimed ${length}.`,
      });
      return undefined;
    }
    return length;
  }
}

export function encodeFrame(payload: Buffer): Buffer {
  const header = Buffer.from(String(payload.length).padEnd(FRAME_HEADER_BYTES, ' '), 'latin1');
  return Buffer.concat([header, payload]);
}

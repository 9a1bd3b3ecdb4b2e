import { isUtf8 } from 'node:buffer';
import { CLOSE_CODES } from './protocol.js';

/**
 * RFC 6455 frames as a server reads them from a client (section 5), without extensions: bytes
 * in, messages and control frames out. No sockets here. Everything a client may not send is
 * a violation with the close code the RFC gives for it, and the first one ends the reading.
 */
export type WsInput =
  | { kind: 'message'; data: Buffer; binary: boolean }
  | { kind: 'ping'; data: Buffer }
  | { kind: 'pong' }
  /** The client's close frame: its code (undefined if it gave none) and reason. */
  | { kind: 'close'; code: number | undefined; reason: string }
  | { kind: 'violation'; code: number; reason: string; error: string };

export interface FrameLimits {
  /** The largest message, summed over its fragments: past it, close code 1009. */
  maxMessageBytes: number;
  /** Most frames one message may come in: past it, close code 1008. */
  maxFragments: number;
}

const OP_CONTINUATION = 0x0;
const OP_TEXT = 0x1;
const OP_BINARY = 0x2;
const OP_CLOSE = 0x8;
const OP_PING = 0x9;
const OP_PONG = 0xa;
/** Control frames carry at most this much (section 5.5). */
const MAX_CONTROL_PAYLOAD = 125;

/** The close codes a client may send (section 7.4): 1004–1006 and 1015 are never sent. */
export function isValidCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) ||
    (code >= 3000 && code <= 4999)
  );
}

function violation(code: number, error: string): WsInput {
  const reason =
    code === CLOSE_CODES.INVALID_UTF8
      ? 'Invalid UTF-8'
      : code === CLOSE_CODES.MESSAGE_TOO_BIG
        ? 'Message too big'
        : code === CLOSE_CODES.POLICY_VIOLATION
          ? 'Too many message fragments'
          : 'Protocol error';
  return { kind: 'violation', code, reason, error };
}

/**
 * Reads one client's frames. What it holds is bounded: the bytes of at most one frame's
 * header and payload (a payload is refused from its header once it would pass the limit), and
 * the fragments of one unfinished message, at most `maxFragments` of them.
 */
export class FrameDecoder {
  /** Bytes read but not yet a whole frame, in the order they came. */
  private chunks: Buffer[] | undefined;
  private buffered = 0;
  /** The fragments of a message whose last frame has not come yet. */
  private fragments: Buffer[] | undefined;
  private fragmentBytes = 0;
  private fragmentBinary = false;
  private failed = false;

  constructor(private readonly limits: FrameLimits) {}

  push(chunk: Buffer): WsInput[] {
    const inputs: WsInput[] = [];
    if (this.failed || chunk.length === 0) return inputs;
    if (this.chunks === undefined) this.chunks = [chunk];
    else this.chunks.push(chunk);
    this.buffered += chunk.length;
    for (;;) {
      const input = this.nextFrame();
      if (input === undefined) break;
      if (input === null) continue;
      inputs.push(input);
      if (input.kind === 'violation') {
        this.failed = true;
        this.chunks = undefined;
        this.fragments = undefined;
        this.buffered = 0;
        break;
      }
    }
    this.keepOnlyWhatIsLeft();
    return inputs;
  }

  /**
   * What waits for the rest of its frame is copied out of the buffer it was read into, which
   * may be 64 KiB: a client that sends a few bytes and stops must not pin the whole read.
   */
  private keepOnlyWhatIsLeft(): void {
    const chunks = this.chunks;
    if (chunks === undefined) return;
    for (let i = 0; i < chunks.length; i++) {
      const chunk = chunks[i]!;
      if (chunk.length * 2 >= chunk.buffer.byteLength) continue;
      const copy = Buffer.allocUnsafeSlow(chunk.length);
      chunk.copy(copy);
      chunks[i] = copy;
    }
  }

  /** The next frame's input; null for a fragment that ends no message; undefined: need more. */
  private nextFrame(): WsInput | null | undefined {
    if (this.buffered < 2) return undefined;
    const head = this.peek(Math.min(this.buffered, 14));
    const fin = (head[0]! & 0x80) !== 0;
    const opcode = head[0]! & 0x0f;
    if ((head[0]! & 0x70) !== 0) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'RSV_SET');
    if ((head[1]! & 0x80) === 0) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'UNMASKED');
    const control = opcode >= 0x8;
    if (control) {
      if (opcode !== OP_CLOSE && opcode !== OP_PING && opcode !== OP_PONG) {
        return violation(CLOSE_CODES.PROTOCOL_ERROR, 'BAD_OPCODE');
      }
      if (!fin) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'FRAGMENTED_CONTROL');
    } else if (opcode === OP_CONTINUATION) {
      if (this.fragments === undefined) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'NO_MESSAGE');
    } else if (opcode === OP_TEXT || opcode === OP_BINARY) {
      if (this.fragments !== undefined) {
        return violation(CLOSE_CODES.PROTOCOL_ERROR, 'UNFINISHED_MESSAGE');
      }
    } else return violation(CLOSE_CODES.PROTOCOL_ERROR, 'BAD_OPCODE');
    const short = head[1]! & 0x7f;
    let lengthBytes = 0;
    if (short === 126) lengthBytes = 2;
    else if (short === 127) lengthBytes = 8;
    if (control && short > MAX_CONTROL_PAYLOAD) {
      return violation(CLOSE_CODES.PROTOCOL_ERROR, 'CONTROL_TOO_LONG');
    }
    const headerBytes = 2 + lengthBytes + 4;
    if (head.length < 2 + lengthBytes) return undefined;
    let length = short;
    if (lengthBytes === 2) length = head.readUInt16BE(2);
    else if (lengthBytes === 8) {
      const high = head.readUInt32BE(2);
      if (high >= 0x80000000) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'BAD_LENGTH');
      length = high * 2 ** 32 + head.readUInt32BE(6);
    }
    if (!control) {
      // Refused from the header, before its payload is read (or held).
      if (this.fragmentBytes + length > this.limits.maxMessageBytes) {
        return violation(CLOSE_CODES.MESSAGE_TOO_BIG, 'TOO_BIG');
      }
      if ((this.fragments?.length ?? 0) + 1 > this.limits.maxFragments) {
        return violation(CLOSE_CODES.POLICY_VIOLATION, 'TOO_MANY_FRAGMENTS');
      }
    }
    if (this.buffered < headerBytes + length) return undefined;
    const frame = this.take(headerBytes + length);
    const payload = unmasked(frame, headerBytes, length);
    if (control) return controlInput(opcode, payload);
    if (opcode !== OP_CONTINUATION) {
      this.fragments = [];
      this.fragmentBinary = opcode === OP_BINARY;
    }
    this.fragments!.push(payload);
    this.fragmentBytes += length;
    if (!fin) return null;
    const parts = this.fragments!;
    const data = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.fragmentBytes);
    const binary = this.fragmentBinary;
    this.fragments = undefined;
    this.fragmentBytes = 0;
    if (!binary && !isUtf8(data)) return violation(CLOSE_CODES.INVALID_UTF8, 'INVALID_UTF8');
    return { kind: 'message', data, binary };
  }

  /** The first `n` buffered bytes (n ≤ buffered), without taking them. */
  private peek(n: number): Buffer {
    const chunks = this.chunks!;
    if (chunks[0]!.length >= n) return chunks[0]!;
    const joined = Buffer.concat(chunks, this.buffered);
    chunks.length = 0;
    chunks.push(joined);
    return joined;
  }

  /** Takes the first `n` buffered bytes (n ≤ buffered), joined only if they straddle reads. */
  private take(n: number): Buffer {
    const first = this.peek(n);
    const chunks = this.chunks!;
    if (first.length === n) chunks.shift();
    else chunks[0] = first.subarray(n);
    const taken = first.length === n ? first : first.subarray(0, n);
    this.buffered -= n;
    if (this.buffered === 0) this.chunks = undefined;
    return taken;
  }
}

/** The payload of a whole frame, unmasked into a buffer of its own. */
function unmasked(frame: Buffer, headerBytes: number, length: number): Buffer {
  const payload = Buffer.allocUnsafe(length);
  const mask = headerBytes - 4;
  for (let i = 0; i < length; i++) payload[i] = frame[headerBytes + i]! ^ frame[mask + (i & 3)]!;
  return payload;
}

function controlInput(opcode: number, payload: Buffer): WsInput {
  if (opcode === OP_PING) return { kind: 'ping', data: payload };
  if (opcode === OP_PONG) return { kind: 'pong' };
  if (payload.length === 0) return { kind: 'close', code: undefined, reason: '' };
  if (payload.length === 1) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'BAD_CLOSE');
  const code = payload.readUInt16BE(0);
  if (!isValidCloseCode(code)) return violation(CLOSE_CODES.PROTOCOL_ERROR, 'BAD_CLOSE_CODE');
  const reason = payload.subarray(2);
  if (!isUtf8(reason)) return violation(CLOSE_CODES.INVALID_UTF8, 'INVALID_UTF8');
  return { kind: 'close', code, reason: reason.toString('utf8') };
}

/** A server frame (unmasked, final) of any opcode, for control frames. */
function controlFrame(opcode: number, payload: Buffer): Buffer {
  const frame = Buffer.allocUnsafe(2 + payload.length);
  frame[0] = 0x80 | opcode;
  frame[1] = payload.length;
  payload.copy(frame, 2);
  return frame;
}

/** A close frame; the reason is cut to what fits in a control frame. */
export function closeFrame(code: number | undefined, reason = ''): Buffer {
  if (code === undefined) return controlFrame(OP_CLOSE, Buffer.alloc(0));
  const text = Buffer.from(reason, 'utf8');
  const payload = Buffer.allocUnsafe(2 + Math.min(text.length, MAX_CONTROL_PAYLOAD - 2));
  payload.writeUInt16BE(code, 0);
  text.copy(payload, 2, 0, payload.length - 2);
  return controlFrame(OP_CLOSE, payload);
}

export function pingFrame(): Buffer {
  return controlFrame(OP_PING, Buffer.alloc(0));
}

/** The answer to a ping: its payload back (section 5.5.3). */
export function pongFrame(data: Buffer): Buffer {
  return controlFrame(OP_PONG, data);
}

import { connect, type Socket } from 'node:net';
import { expect } from 'vitest';
import { onCleanup } from './helpers.js';

/** The opening handshake of RFC 6455's example (section 1.3), for /ws. */
export const UPGRADE =
  'GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n';

/** One client frame, built by hand (FIN bit, opcode, masked as RFC 6455 requires of clients). */
export function clientFrame(fin: boolean, opcode: number, payload: Buffer): Buffer {
  if (payload.length > 125) throw new Error('only short frames are needed here');
  const mask = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
  const masked = Buffer.from(payload.map((byte, i) => byte ^ (mask[i % 4] ?? 0)));
  return Buffer.concat([
    Buffer.from([(fin ? 0x80 : 0) | opcode, 0x80 | payload.length]),
    mask,
    masked,
  ]);
}

/** One text message as `count` frames: the text in the first, the rest empty continuations. */
export function fragmented(text: string, count: number, finish: boolean): Buffer {
  const frames = [clientFrame(count === 1 && finish, 0x1, Buffer.from(text))];
  for (let i = 1; i < count; i++) {
    frames.push(clientFrame(finish && i === count - 1, 0x0, Buffer.alloc(0)));
  }
  return Buffer.concat(frames);
}

export interface ServerFrame {
  opcode: number;
  payload: Buffer;
}

/**
 * A WebSocket client on a raw socket: completes the handshake, then hands over each frame the
 * server sends (unmasked, as a server's are).
 */
export async function rawWebSocket(
  port: number,
  request: string | Buffer = UPGRADE,
): Promise<{ socket: Socket; frames: ServerFrame[]; next: () => Promise<ServerFrame> }> {
  const socket = connect(port, '127.0.0.1');
  onCleanup(() => {
    socket.destroy();
  });
  socket.on('error', () => {});
  socket.write(request);
  const frames: ServerFrame[] = [];
  const waiting: Array<(frame: ServerFrame) => void> = [];
  let buffered = Buffer.alloc(0);
  let upgraded = false;
  let onUpgraded: () => void = () => {};
  const upgrade = new Promise<void>((resolve) => {
    onUpgraded = resolve;
  });
  socket.on('data', (chunk: Buffer) => {
    buffered = Buffer.concat([buffered, chunk]);
    if (!upgraded) {
      const end = buffered.indexOf('\r\n\r\n');
      if (end === -1) return;
      expect(buffered.subarray(0, 12).toString()).toBe('HTTP/1.1 101');
      buffered = buffered.subarray(end + 4);
      upgraded = true;
      onUpgraded();
    }
    // Server frames here are short: a 7-bit length, or 126 and a 16-bit one.
    while (buffered.length >= 2) {
      const short = (buffered[1] ?? 0) & 0x7f;
      const header = short === 126 ? 4 : 2;
      if (buffered.length < header) return;
      const length = short === 126 ? buffered.readUInt16BE(2) : short;
      if (buffered.length < header + length) return;
      const frame = {
        opcode: (buffered[0] ?? 0) & 0x0f,
        payload: buffered.subarray(header, header + length),
      };
      buffered = buffered.subarray(header + length);
      const waiter = waiting.shift();
      if (waiter) waiter(frame);
      else frames.push(frame);
    }
  });
  await upgrade;
  const next = (timeoutMs = 5000) => {
    const frame = frames.shift();
    if (frame) return Promise.resolve(frame);
    return new Promise<ServerFrame>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no frame from the server within ${timeoutMs} ms`)),
        timeoutMs,
      );
      waiting.push((frame) => {
        clearTimeout(timer);
        resolve(frame);
      });
    });
  };
  return { socket, frames, next };
}

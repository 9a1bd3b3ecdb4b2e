import { describe, expect, it } from 'vitest';
import { closeFrame, FrameDecoder, pongFrame, type WsInput } from './frames.js';
import { acceptKey, answerHandshake } from './handshake.js';

const LIMITS = { maxMessageBytes: 1024, maxFragments: 4 };

/** A client frame of any length, masked as RFC 6455 requires of clients. */
function frame(
  opcode: number,
  payload: Buffer | string,
  options: { fin?: boolean; masked?: boolean; rsv?: number; length?: number } = {},
): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const length = options.length ?? body.length;
  const first = ((options.fin ?? true) ? 0x80 : 0) | ((options.rsv ?? 0) << 4) | opcode;
  const maskBit = (options.masked ?? true) ? 0x80 : 0;
  let header: Buffer;
  if (length < 126) header = Buffer.from([first, maskBit | length]);
  else if (length < 65536) {
    header = Buffer.from([first, maskBit | 126, 0, 0]);
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = maskBit | 127;
    header.writeUInt32BE(Math.floor(length / 2 ** 32), 2);
    header.writeUInt32BE(length >>> 0, 6);
  }
  if (options.masked === false) return Buffer.concat([header, body]);
  const mask = Buffer.from([0x12, 0x34, 0x56, 0x78]);
  const masked = Buffer.from(body.map((byte, i) => byte ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

const closePayload = (code: number, reason = '') => {
  const payload = Buffer.alloc(2 + Buffer.byteLength(reason));
  payload.writeUInt16BE(code, 0);
  payload.write(reason, 2);
  return payload;
};

function decode(...chunks: Buffer[]): WsInput[] {
  const decoder = new FrameDecoder(LIMITS);
  return chunks.flatMap((chunk) => decoder.push(chunk));
}

const text = (data: string) => ({ kind: 'message', data: Buffer.from(data), binary: false });
const violation = (code: number) => expect.objectContaining({ kind: 'violation', code });

describe('FrameDecoder', () => {
  it('reads messages whole, however the bytes are split', () => {
    const bytes = Buffer.concat([frame(1, 'hello'), frame(2, 'bin'), frame(1, 'x'.repeat(300))]);
    const expected = [
      text('hello'),
      { kind: 'message', data: Buffer.from('bin'), binary: true },
      text('x'.repeat(300)),
    ];
    expect(decode(bytes)).toEqual(expected);
    const oneByOne = [...bytes].map((byte) => Buffer.from([byte]));
    expect(decode(...oneByOne)).toEqual(expected);
  });

  it('joins fragments, with control frames between them, and checks UTF-8 over the whole', () => {
    const e = Buffer.from('é');
    const inputs = decode(
      frame(1, Buffer.concat([Buffer.from('caf'), e.subarray(0, 1)]), { fin: false }),
      frame(9, 'are you there'),
      frame(0, e.subarray(1), { fin: false }),
      frame(10, ''),
      frame(0, '!'),
    );
    expect(inputs).toEqual([
      { kind: 'ping', data: Buffer.from('are you there') },
      { kind: 'pong' },
      text('café!'),
    ]);
  });

  it('reads the close frame: its code and reason, or none', () => {
    expect(decode(frame(8, ''))).toEqual([{ kind: 'close', code: undefined, reason: '' }]);
    expect(decode(frame(8, closePayload(4001, 'bye')))).toEqual([
      { kind: 'close', code: 4001, reason: 'bye' },
    ]);
  });

  it('refuses what a client may not send, with the close code for it', () => {
    expect(decode(frame(1, 'x', { masked: false }))).toEqual([violation(1002)]);
    expect(decode(frame(1, 'x', { rsv: 4 }))).toEqual([violation(1002)]);
    expect(decode(frame(3, 'x'))).toEqual([violation(1002)]);
    expect(decode(frame(11, 'x'))).toEqual([violation(1002)]);
    expect(decode(frame(0, 'x'))).toEqual([violation(1002)]);
    expect(decode(frame(1, 'a', { fin: false }), frame(1, 'b'))).toEqual([violation(1002)]);
    expect(decode(frame(9, 'x', { fin: false }))).toEqual([violation(1002)]);
    expect(decode(frame(9, 'x'.repeat(126)))).toEqual([violation(1002)]);
    expect(decode(frame(8, Buffer.from([3])))).toEqual([violation(1002)]);
    for (const code of [999, 1004, 1005, 1006, 1015, 2000, 5000]) {
      expect(decode(frame(8, closePayload(code)))).toEqual([violation(1002)]);
    }
    expect(decode(frame(8, Buffer.concat([closePayload(1000), Buffer.from([0xff])])))).toEqual([
      violation(1007),
    ]);
    expect(decode(frame(1, Buffer.from([0xc3, 0x28])))).toEqual([violation(1007)]);
  });

  it('refuses a message too big from its header, before its payload comes', () => {
    // The header alone says 2^40 bytes: nothing more is read or held.
    expect(decode(frame(1, '', { length: 2 ** 40 }).subarray(0, 10))).toEqual([violation(1009)]);
    expect(decode(frame(1, 'x'.repeat(600), { fin: false }), frame(0, 'y'.repeat(600)))).toEqual([
      violation(1009),
    ]);
    expect(decode(frame(1, 'x'.repeat(1024)))).toEqual([text('x'.repeat(1024))]);
  });

  it('refuses one fragment more than the limit, finished or not', () => {
    const four = [frame(1, 'a', { fin: false }), frame(0, 'b', { fin: false })];
    four.push(frame(0, 'c', { fin: false }), frame(0, 'd'));
    expect(decode(...four)).toEqual([text('abcd')]);
    four[3] = frame(0, 'd', { fin: false });
    expect(decode(...four, frame(0, ''))).toEqual([violation(1008)]);
  });

  it('reads nothing more after a violation', () => {
    const decoder = new FrameDecoder(LIMITS);
    expect(decoder.push(frame(1, 'x', { masked: false }))).toEqual([violation(1002)]);
    expect(decoder.push(frame(1, 'fine'))).toEqual([]);
  });

  it('keeps its own copy of a partial frame, not the buffer it was read into', () => {
    const bytes = frame(1, 'held over');
    const read = Buffer.alloc(65536);
    bytes.copy(read, 0, 0, 5);
    const decoder = new FrameDecoder(LIMITS);
    expect(decoder.push(read.subarray(0, 5))).toEqual([]);
    read.fill(0); // the socket's next read reuses nothing of ours
    expect(decoder.push(bytes.subarray(5))).toEqual([text('held over')]);
  });
});

describe('server frames', () => {
  it('closes with a code and a reason, and answers a ping with its payload', () => {
    expect(closeFrame(1000, 'bye')).toEqual(Buffer.from([0x88, 5, 0x03, 0xe8, 0x62, 0x79, 0x65]));
    expect(closeFrame(undefined)).toEqual(Buffer.from([0x88, 0]));
    expect(closeFrame(1001, 'x'.repeat(200)).length).toBe(2 + 125);
    expect(pongFrame(Buffer.from('hi'))).toEqual(Buffer.from([0x8a, 2, 0x68, 0x69]));
  });
});

describe('opening handshake', () => {
  const headers = {
    upgrade: 'websocket',
    connection: 'Upgrade',
    'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
    'sec-websocket-version': '13',
  };

  it("answers with RFC 6455's accept key, and the first subprotocol asked for", () => {
    expect(acceptKey('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
    const answer = answerHandshake('GET', headers);
    expect(answer).toEqual({
      ok: true,
      response:
        'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n',
    });
    const chat = answerHandshake('GET', { ...headers, 'sec-websocket-protocol': 'chat, json' });
    expect(chat.ok && chat.response).toContain('\r\nSec-WebSocket-Protocol: chat\r\n\r\n');
  });

  it('refuses a bad method, key, version or subprotocol', () => {
    expect(answerHandshake('POST', headers)).toMatchObject({ ok: false, status: 405 });
    expect(answerHandshake('GET', { ...headers, upgrade: 'h2c' })).toMatchObject({ status: 400 });
    expect(answerHandshake('GET', { ...headers, 'sec-websocket-key': 'short' })).toMatchObject({
      status: 400,
    });
    expect(answerHandshake('GET', { ...headers, 'sec-websocket-version': '8' })).toEqual({
      ok: false,
      status: 426,
      reason: 'Unsupported WebSocket version',
      headers: { 'Sec-WebSocket-Version': '13' },
    });
    expect(answerHandshake('GET', { ...headers, 'sec-websocket-protocol': 'a b' })).toMatchObject({
      status: 400,
    });
  });
});

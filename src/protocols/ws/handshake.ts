import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** RFC 6455 section 1.3: what the server appends to the client's key before hashing it. */
const KEY_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** A key is 16 random bytes in base64 (section 4.1). */
const KEY_FORMAT = /^[+/0-9A-Za-z]{22}==$/;
/** An HTTP token (RFC 7230 section 3.2.6): what a subprotocol's name is made of. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

export type Handshake =
  | { ok: true; response: string }
  | { ok: false; status: number; reason: string; headers?: Record<string, string> };

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + KEY_GUID)
    .digest('base64');
}

/**
 * The server's answer to a client's opening handshake (section 4.2), already routed to the
 * WebSocket path and origin-checked: the 101 response to write, or why it is refused. No
 * extensions are offered back (compression would cost each connection a zlib context and
 * every broadcast a deflate per recipient). A client that asks for subprotocols gets its first
 * one, as the ws library did: browsers fail a handshake that asked for one and got none.
 */
export function answerHandshake(
  method: string | undefined,
  headers: IncomingHttpHeaders,
): Handshake {
  if (method !== 'GET') return { ok: false, status: 405, reason: 'Invalid HTTP method' };
  if (headers.upgrade?.toLowerCase() !== 'websocket') {
    return { ok: false, status: 400, reason: 'Invalid Upgrade header' };
  }
  const key = headers['sec-websocket-key'];
  if (key === undefined || !KEY_FORMAT.test(key.trim())) {
    return { ok: false, status: 400, reason: 'Missing or invalid Sec-WebSocket-Key header' };
  }
  if (headers['sec-websocket-version']?.trim() !== '13') {
    return {
      ok: false,
      status: 426,
      reason: 'Unsupported WebSocket version',
      headers: { 'Sec-WebSocket-Version': '13' },
    };
  }
  const lines = [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${acceptKey(key.trim())}`,
  ];
  const offered = headers['sec-websocket-protocol'];
  if (offered !== undefined) {
    const protocols = offered.split(',').map((name) => name.trim());
    if (!protocols.every((name) => TOKEN.test(name))) {
      return { ok: false, status: 400, reason: 'Invalid Sec-WebSocket-Protocol header' };
    }
    lines.push(`Sec-WebSocket-Protocol: ${protocols[0]}`);
  }
  return { ok: true, response: `${lines.join('\r\n')}\r\n\r\n` };
}

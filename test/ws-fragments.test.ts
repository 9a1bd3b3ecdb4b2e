import { describe, expect, it } from 'vitest';
import { MAX_CLIENT_MESSAGE_FRAGMENTS } from '../src/protocols/ws/protocol.js';
import { startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';
import { fragmented, rawWebSocket } from './ws-raw.js';

describe('WebSocket API: fragmented messages', () => {
  it('reads a message in as many frames as allowed, and closes with 1008 at one more', async () => {
    const server = await startTestServer();
    const port = server.port('http');

    const patient = await rawWebSocket(port);
    patient.socket.write(
      fragmented('{"type":"ping","ref":"whole"}', MAX_CLIENT_MESSAGE_FRAGMENTS, true),
    );
    const pong = await patient.next();
    expect(pong.opcode).toBe(0x1);
    expect(JSON.parse(pong.payload.toString())).toEqual({ type: 'pong', ref: 'whole' });

    // One frame too many, and the message never finished: the server need not wait for it.
    const hoarder = await rawWebSocket(port);
    hoarder.socket.write(
      fragmented('{"type":"ping","ref":"never"}', MAX_CLIENT_MESSAGE_FRAGMENTS + 1, false),
    );
    const close = await hoarder.next();
    expect(close.opcode).toBe(0x8);
    expect(close.payload.readUInt16BE(0)).toBe(1008);
    expect(close.payload.subarray(2).toString()).toBe('Too many message fragments');

    // Everyone else carries on.
    const other = await WsClient.join(port, 'other');
    other.send({ type: 'ping', ref: 'after' });
    await other.waitForType('pong', { ref: 'after' });
  });
});

import { connect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { onCleanup, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';
import { clientFrame, rawWebSocket, UPGRADE } from './ws-raw.js';

const hello = (nick: string) =>
  clientFrame(true, 0x1, Buffer.from(JSON.stringify({ type: 'hello', nick })));

/** Resolves once the server has ended the socket's reading side (its FIN came). */
const ended = (socket: import('node:net').Socket) =>
  new Promise<void>((resolve) => {
    if (socket.readableEnded) resolve();
    else socket.once('end', resolve);
  });

describe('WebSocket protocol (RFC 6455) at the door', () => {
  it('answers a ping with its payload, and reads frames sent with the handshake', async () => {
    const server = await startTestServer();
    const eager = await rawWebSocket(
      server.port('http'),
      Buffer.concat([
        Buffer.from(UPGRADE),
        clientFrame(true, 0x9, Buffer.from('with the request')),
      ]),
    );
    const pong = await eager.next();
    expect(pong.opcode).toBe(0xa);
    expect(pong.payload.toString()).toBe('with the request');
    // A message in pieces as small as TCP allows still arrives whole.
    const ping = clientFrame(true, 0x1, Buffer.from('{"type":"ping","ref":"bytes"}'));
    for (const byte of ping) eager.socket.write(Buffer.from([byte]));
    const answer = await eager.next();
    expect(JSON.parse(answer.payload.toString())).toEqual({ type: 'pong', ref: 'bytes' });
  });

  it("echoes a client's close frame, ends the connection, and the user is gone", async () => {
    const server = await startTestServer();
    const watcher = await WsClient.join(server.port('http'), 'watcher');
    const leaver = await rawWebSocket(server.port('http'));
    leaver.socket.write(hello('leaver'));
    const code = Buffer.alloc(2);
    code.writeUInt16BE(4321);
    await watcher.waitForType('join', { nick: 'leaver' });
    leaver.socket.write(clientFrame(true, 0x8, Buffer.concat([code, Buffer.from('done')])));
    let close = await leaver.next();
    while (close.opcode !== 0x8) close = await leaver.next();
    expect(close.payload.readUInt16BE(0)).toBe(4321);
    expect(close.payload.subarray(2).toString()).toBe('done');
    await ended(leaver.socket);
    await watcher.waitForType('quit', { nick: 'leaver' });
  });

  it('ends a connection whose client ended its side without a close frame', async () => {
    const server = await startTestServer();
    const watcher = await WsClient.join(server.port('http'), 'watcher');
    const halfway = await rawWebSocket(server.port('http'));
    halfway.socket.write(hello('halfway'));
    await watcher.waitForType('join', { nick: 'halfway' });
    halfway.socket.end();
    await ended(halfway.socket);
    await watcher.waitForType('quit', { nick: 'halfway' });
  });

  it('closes with 1002 on an unmasked frame, and the others carry on', async () => {
    const server = await startTestServer();
    const careless = await rawWebSocket(server.port('http'));
    careless.socket.write(Buffer.from([0x81, 2, 0x68, 0x69]));
    const close = await careless.next();
    expect(close.opcode).toBe(0x8);
    expect(close.payload.readUInt16BE(0)).toBe(1002);
    expect(close.payload.subarray(2).toString()).toBe('Protocol error');
    await ended(careless.socket);
    const other = await WsClient.join(server.port('http'), 'other');
    other.send({ type: 'ping', ref: 'after' });
    await other.waitForType('pong', { ref: 'after' });
  });

  it('refuses a handshake of another version with 426 and the version it speaks', async () => {
    const server = await startTestServer();
    const socket = connect(server.port('http'), '127.0.0.1');
    onCleanup(() => {
      socket.destroy();
    });
    socket.write(UPGRADE.replace('Version: 13', 'Version: 8'));
    let answer = '';
    socket.on('data', (chunk: Buffer) => {
      answer += chunk.toString();
    });
    await ended(socket);
    expect(answer).toMatch(/^HTTP\/1\.1 426 Upgrade Required\r\n/);
    expect(answer).toContain('Sec-WebSocket-Version: 13\r\n');
  });
});

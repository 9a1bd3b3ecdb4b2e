import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { limitKey } from '../src/net/address.js';
import { capturingLogger, IrcClient, LineClient, onCleanup, startTestServer } from './helpers.js';
import { poll } from './wait.js';

const WELCOME = /^\*\*\* Welcome to .* What is your nickname\?$/;

/** A line connection the server has accepted (it was asked for a nickname). */
async function accepted(port: number): Promise<LineClient> {
  const client = await LineClient.connect(port);
  await client.waitFor(WELCOME);
  return client;
}

/** The status of a WebSocket upgrade the server refuses. */
function refusedUpgrade(port: number): Promise<{ status: number; body: string }> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws`);
  onCleanup(() => ws.terminate());
  ws.on('error', () => {});
  return new Promise((resolve, reject) => {
    ws.once('open', () => reject(new Error('the upgrade was accepted')));
    ws.once('unexpected-response', (_request, response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString();
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
  });
}

const OFF = { maxConnectionsPerIp: 0, maxNewConnectionsPerIp: 0, maxUnregisteredPerIp: 0 };

describe('per-IP limits', () => {
  it('refuses the 17th connection from one address on every door, and takes one once another left', async () => {
    const server = await startTestServer({ limitsExempt: [], ...OFF, maxConnectionsPerIp: 16 });
    const line = server.port('line');
    const clients: LineClient[] = [];
    for (let i = 0; i < 16; i++) clients.push(await accepted(line));

    const refused = await LineClient.connect(line);
    await refused.waitFor(
      '!!! Too many connections from your address (at most 16) (TOO_MANY_CONNECTIONS)',
    );
    await refused.closed;
    const irc = await IrcClient.connect(server.port('irc'));
    await irc.waitFor(
      'ERROR :Closing Link: * (Too many connections from your address (at most 16))',
    );
    await irc.closed;
    expect(await refusedUpgrade(server.port('http'))).toEqual({
      status: 429,
      body: 'Too many connections from your address (at most 16)\n',
    });

    clients[0]!.send('/quit');
    await clients[0]!.closed;
    // The server learns of the close a moment after the client does.
    await poll('a connection to be let in again', async () => {
      const next = await LineClient.connect(line);
      return next.waitFor(WELCOME, 500).catch(() => undefined);
    });
  });

  it('caps connections without a nickname', async () => {
    const server = await startTestServer({ limitsExempt: [], ...OFF, maxUnregisteredPerIp: 2 });
    const line = server.port('line');
    const first = await accepted(line);
    await accepted(line);
    const refused = await LineClient.connect(line);
    await refused.waitFor(/^!!! Too many connections without a nickname from your address/);
    await refused.closed;
    // A WebSocket that has not said hello is unregistered too.
    expect((await refusedUpgrade(server.port('http'))).status).toBe(429);

    // Once one has a nickname, there is room for another.
    first.send('alice');
    await first.waitFor('*** Now talking in #lobby');
    await accepted(line);
  });

  it('throttles new connections per minute, logging once per address', async () => {
    const { log, records } = capturingLogger();
    const server = await startTestServer({
      limitsExempt: [],
      ...OFF,
      maxNewConnectionsPerIp: 3,
      log,
    });
    const line = server.port('line');
    for (let i = 0; i < 3; i++) {
      const client = await accepted(line);
      client.socket.destroy();
    }
    for (let i = 0; i < 3; i++) {
      const refused = await LineClient.connect(line);
      await refused.waitFor(
        /^!!! Too many new connections from your address \(at most 3 a minute\)/,
      );
      await refused.closed;
    }
    const refusals = records.filter((record) => record.msg === 'connection refused');
    expect(refusals).toEqual([
      expect.objectContaining({ event: 'refused', door: 'line', source: '127.0.0.1', refused: 1 }),
    ]);
  });

  it('spares loopback by default', async () => {
    const server = await startTestServer();
    for (let i = 0; i < 20; i++) await accepted(server.port('line'));
  });
});

describe('limitKey', () => {
  it('counts IPv4 by address, IPv4-mapped IPv6 as IPv4, and IPv6 by /64', () => {
    expect(limitKey('203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(limitKey('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(limitKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(limitKey('::1')).toBe('0:0:0:0::/64');
  });
});

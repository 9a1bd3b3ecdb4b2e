import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { runClient } from '../src/client/client.js';
import { LineClient, startTestServer } from './helpers.js';
import { LossyRelay } from './lossy-relay.js';
import { requireBuiltCli, spawnClient, WAIT_MS } from './spawned.js';

beforeAll(requireBuiltCli);

describe('the terminal client sending again what was not acknowledged', () => {
  it('resends after a reconnect, and the server stores and relays each message once', async () => {
    const server = await startTestServer({ framedPort: null });
    const bob = await LineClient.join(server.port('line'), 'bob');
    const relay = await LossyRelay.start(server.port('http'));
    const carol = spawnClient(relay.port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await bob.waitFor('*** carol joined #lobby');
    bob.send('before');
    await carol.nextLine('<bob> before');

    // Stored and relayed, but its ack is lost: the client cannot know it arrived.
    relay.deafen();
    carol.type('said once\n');
    await bob.waitFor('<carol> said once');
    // Lost on its way to the server: never stored.
    relay.silence();
    carol.type('lost on the way\n');
    relay.cut();
    await carol.nextLine(/^!!! Disconnected from the server/);
    await bob.waitFor(/^\*\*\* carol left the chat /);

    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', 20_000);
    await carol.nextLine('*** Now talking in #lobby');
    await bob.waitFor('<carol> lost on the way');
    // The server handles a connection's sends in order: once this one is relayed, so is
    // every resend before it.
    carol.type('said after\n');
    await bob.waitFor('<carol> said after');
    const count = (line: string) => bob.received.filter((received) => received === line).length;
    expect([count('<carol> said once'), count('<carol> lost on the way')]).toEqual([1, 1]);

    bob.send('/history');
    await bob.waitFor(/^\*\*\* End of history of #lobby/);
    const stored = bob.received.filter((line) => /^\[#lobby @\d+ /.test(line));
    expect(stored.map((line) => line.replace(/^\[[^\]]*\] /, ''))).toEqual([
      '<bob> before',
      '<carol> said once',
      '<carol> lost on the way',
      '<carol> said after',
    ]);
    // What carol typed is on her screen already: the catch-up does not show it back to her.
    expect(carol.output).not.toMatch(/> (said once|lost on the way)$/m);
  }, 30_000);
});

describe('the terminal client and a server that stopped answering', () => {
  it('notices the silence, drops the connection and reconnects', async () => {
    const server = await startTestServer({ framedPort: null });
    const relay = await LossyRelay.start(server.port('http'));
    // In this process, to make its pings quick.
    const input = new PassThrough();
    const output = new PassThrough();
    let shown = '';
    output.on('data', (chunk: Buffer) => {
      shown += chunk.toString();
    });
    const exited = runClient({
      host: '127.0.0.1',
      port: relay.port,
      nick: 'carol',
      color: false,
      input,
      output,
      minBackoffMs: 50,
      pingIntervalMs: 50,
      silenceTimeoutMs: 500,
    });
    const talking = () => shown.split('\n').filter((line) => line === '*** Now talking in #lobby');
    await vi.waitFor(() => expect(talking()).toHaveLength(1), { timeout: WAIT_MS });

    // The TCP connection stays up; only nothing comes back any more.
    relay.deafen();
    await vi.waitFor(
      () =>
        expect(shown).toContain('!!! Disconnected from the server (no answer from the server).'),
      { timeout: WAIT_MS },
    );
    await vi.waitFor(() => expect(talking()).toHaveLength(2), { timeout: WAIT_MS });
    input.write('/quit\n');
    expect(await exited).toBe(0);
  });
});

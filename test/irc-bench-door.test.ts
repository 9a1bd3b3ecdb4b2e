import { describe, expect, it } from 'vitest';
import { ircDoor } from '../bench/doors.js';
import { recordingSink } from './bench-sink.js';
import { LineClient, startTestServer } from './helpers.js';

/** The load generator's IRC client (bench/doors.ts), checked against the real door. */
describe('the benchmark IRC door', () => {
  it('registers, joins, reads chat lines, sends, and answers PING', async () => {
    const server = await startTestServer({ ircPingIntervalMs: 100, ircPingTimeoutMs: 300 });
    const { sink, seen, joined, notices } = recordingSink();
    const client = await ircDoor.connect(server.port('irc'), sink);
    client.register('s42');
    await joined;
    const line = await LineClient.join(server.port('line'), 's7');
    line.send('from seven');
    client.send(['one', 'two']);
    await line.waitFor('<s42> two');
    // Silent for several ping intervals (each PING it answers is a notice to the sink): still
    // connected, because it answers.
    const before = notices();
    await expect.poll(() => notices() - before, { timeout: 5_000 }).toBeGreaterThanOrEqual(4);
    line.send('still there?');
    await expect.poll(() => seen).toEqual(['7:from seven', '7:still there?']);
    client.close();
  });
});

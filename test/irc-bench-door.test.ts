import { describe, expect, it } from 'vitest';
import { ircDoor } from '../bench/doors.js';
import { recordingSink } from './bench-sink.js';
import { LineClient, startTestServer } from './helpers.js';

/** The load generator's IRC client (bench/doors.ts), checked against the real door. */
describe('the benchmark IRC door', () => {
  it('registers, joins, reads chat lines, sends, and answers PING', async () => {
    const server = await startTestServer({ ircPingIntervalMs: 100, ircPingTimeoutMs: 300 });
    const { sink, seen, joined } = recordingSink();
    const client = await ircDoor.connect(server.port('irc'), sink);
    client.register('s42');
    await joined;
    const line = await LineClient.join(server.port('line'), 's7');
    line.send('from seven');
    client.send(['one', 'two']);
    await line.waitFor('<s42> two');
    // Silent for several ping intervals: still connected, because it answers.
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(seen).toEqual(['7:from seven']);
    client.close();
  });
});

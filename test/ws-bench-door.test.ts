import { describe, expect, it } from 'vitest';
import { jsonWsDoor } from '../bench/doors.js';
import { recordingSink } from './bench-sink.js';
import { LineClient, startTestServer } from './helpers.js';

/** The load generator's raw WebSocket client (bench/doors.ts), checked against the real door. */
describe('the benchmark WebSocket door', () => {
  it('upgrades, joins, reads messages of every frame size, and sends', async () => {
    const server = await startTestServer();
    const { sink, seen, joined } = recordingSink();
    const client = await jsonWsDoor.connect(server.port('http'), sink);
    client.register('s42');
    await joined;
    const line = await LineClient.join(server.port('line'), 's7');
    // Payloads under 126 bytes, under 64 KiB (16-bit length) and a burst read in one go.
    const long = 'x'.repeat(300);
    line.send('from seven');
    line.send(long);
    for (let i = 0; i < 50; i++) line.send(`burst ${i}`);
    client.send(['one', 'two']);
    await line.waitFor('<s42> two');
    await expect.poll(() => seen.length).toBe(52);
    expect(seen.slice(0, 2)).toEqual(['7:from seven', `7:${long}`]);
    expect(seen.slice(2)).toEqual(Array.from({ length: 50 }, (_, i) => `7:burst ${i}`));
    client.close();
  });
});

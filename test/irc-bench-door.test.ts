import { describe, expect, it } from 'vitest';
import { ircDoor, ircRoomPrivmsg } from '../bench/doors.js';
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

  it("reads a sender's later lines by the length of its first one's prefix, and still checks them", () => {
    const { sink, seen } = recordingSink();
    const read = ircRoomPrivmsg('#lobby');
    const parse = (line: string) => {
      const buf = Buffer.from(line);
      return read(buf, 0, buf.length, sink, 0);
    };
    expect(parse(':s3!~s3@a.cloak PRIVMSG #lobby :first')).toBe(true);
    expect(parse(':s3!~s3@a.cloak PRIVMSG #lobby :second')).toBe(true);
    // Same sender number, a longer mask (another server): scanned again, and learned.
    expect(parse(':s3!~s3@a.longer.cloak PRIVMSG #lobby :third')).toBe(true);
    expect(parse(':s3!~s3@a.longer.cloak PRIVMSG #lobby :fourth')).toBe(true);
    // Not a message to the room, whatever the lengths: not chat.
    expect(parse(':s3!~s3@a.longer.cloak NOTICE #lobby :fifth')).toBe(false);
    expect(parse(':s3!~s3@a.longer.cloak PRIVMSG #other :sixth')).toBe(false);
    expect(seen).toEqual(['3:first', '3:second', '3:third', '3:fourth']);
  });
});

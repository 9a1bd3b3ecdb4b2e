import { describe, expect, it, vi } from 'vitest';
import * as encode from '../src/protocols/irc/encode.js';
import { IrcClient, LineClient, startTestServer } from './helpers.js';

// The real encoder, watched: every call goes through to it and is counted.
vi.mock('../src/protocols/irc/encode.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../src/protocols/irc/encode.js')>();
  return { ...real, encodeShared: vi.fn(real.encodeShared) };
});

describe('IRC fan-out', () => {
  it('encodes a broadcast once per variant, not once per recipient, and looks its sender up once', async () => {
    const server = await startTestServer();
    const clients: IrcClient[] = [];
    // Eight plain clients, four with tags and time: two variants.
    for (let i = 0; i < 12; i++) {
      const caps = i < 8 ? [] : ['server-time', 'message-tags'];
      const client = await IrcClient.register(server.port('irc'), `c${i}`, caps);
      await client.join('#lobby');
      clients.push(client);
    }
    const line = await LineClient.join(server.port('line'), 'talker');
    for (const client of clients) await client.waitFor(/ JOIN #lobby$/);
    const calls = vi.mocked(encode.encodeShared);
    calls.mockClear();
    // The sender's mask (nick!~line@cloak) is found through the chat: once, for everyone.
    const lookups = vi.spyOn(server.chat, 'describe');
    line.send('to everyone');
    for (const client of clients) await client.waitFor(/PRIVMSG #lobby :to everyone$/);
    expect(calls).toHaveBeenCalledTimes(2);
    expect(calls.mock.calls.map((call) => call[1]).sort()).toEqual([0, 3]);
    expect(lookups.mock.calls).toEqual([['talker']]);
  });
});

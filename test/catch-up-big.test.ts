import { describe, expect, it } from 'vitest';
import type { RunningServer } from '../src/server.js';
import { IrcClient, LineClient, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

const BIG = 'y'.repeat(8000);

/** Stores `count` messages of 8 KB in `room`, through a WebSocket client that then leaves. */
async function fill(server: RunningServer, room: string, count: number): Promise<void> {
  const writer = await WsClient.join(server.port('http'), `w${room.slice(1)}`);
  writer.send({ type: 'join', room });
  for (let i = 1; i <= count; i++) {
    writer.send({ type: 'send', to: room, text: `${room} ${i} ${BIG}`, ref: `${i}` });
  }
  await writer.waitFor({ type: 'ack', ref: `${count}` }, 30_000);
  writer.send({ type: 'quit' });
  await writer.closed;
}

/** A round trip after everything asked before it: the client is still connected and served. */
async function stillServed(client: LineClient): Promise<void> {
  client.send('/ping-barrier');
  await client.waitFor(/Unknown command|PING-BARRIER/i, 30_000);
}

// Each of these asks for more than --max-queue-bytes (1 MiB) at once, from a client that reads
// all of it: the answer must come at the pace it reads, never as a disconnection.
describe('asking for a lot at once', () => {
  it('joins several busy rooms in one IRC JOIN', async () => {
    const server = await startTestServer({ framedPort: null });
    for (const room of ['#news', '#dev', '#help']) await fill(server, room, 50);
    const irc = await IrcClient.register(server.port('irc'), 'joiner');
    irc.send('JOIN #news,#dev,#help');
    for (const room of ['#news', '#dev', '#help']) {
      // Without server-time the replay starts with the time it was said.
      await irc.waitFor(
        (line) => line.includes(`PRIVMSG ${room} :`) && line.includes(`${room} 50 yyy`),
        30_000,
      );
    }
    irc.send('PING :barrier');
    await irc.waitFor(/PONG .* :barrier$/, 30_000);
  }, 60_000);

  it('joins several busy rooms with pipelined /join lines', async () => {
    const server = await startTestServer({ framedPort: null });
    for (const room of ['#news', '#dev', '#help']) await fill(server, room, 50);
    const line = await LineClient.join(server.port('line'), 'joiner');
    line.write('/join #news\n/join #dev\n/join #help\n');
    await line.waitFor('*** Now talking in #help', 30_000);
    for (const room of ['#news', '#dev', '#help']) {
      expect(line.sawLine((text) => text.includes(`${room} 50 yyy`))).toBe(true);
    }
    await stillServed(line);
  }, 60_000);

  it('resumes after 130 big messages, on the line door and over WebSocket', async () => {
    const server = await startTestServer({ framedPort: null });
    await fill(server, '#lobby', 130);
    const line = await LineClient.join(server.port('line'), 'reader');
    line.send('/resume #lobby 1');
    await line.waitFor((text) => text.includes('#lobby 130 yyy'), 30_000);
    await stillServed(line);

    const web = await WsClient.connect(server.port('http'));
    web.send({ type: 'hello', nick: 'webreader', resume: [{ room: '#lobby', after: 1 }] });
    await web.waitFor(
      (m) => m.type === 'history' && m.messages.some((message) => message.id === 130),
      30_000,
    );
    web.send({ type: 'history', target: '#lobby', limit: 500 });
    await web.waitFor(
      (m) => m.type === 'history' && m.reason === 'request' && m.messages.length === 130,
      30_000,
    );
    web.send({ type: 'ping', ref: 'barrier' });
    await web.waitFor({ type: 'pong', ref: 'barrier' }, 30_000);
  }, 60_000);

  it('answers CHATHISTORY LATEST * 500 over 130 big messages', async () => {
    const server = await startTestServer({ framedPort: null });
    await fill(server, '#lobby', 130);
    const irc = await IrcClient.register(server.port('irc'), 'reader', [
      'batch',
      'draft/chathistory',
      'message-tags',
      'server-time',
    ]);
    await irc.join('#lobby');
    irc.send('CHATHISTORY LATEST #lobby * 500');
    await irc.waitFor(/ BATCH -|^BATCH -/, 30_000);
    expect(irc.sawLine((line) => line.includes('PRIVMSG #lobby :#lobby 1 yyy'))).toBe(true);
    irc.send('PING :barrier');
    await irc.waitFor(/PONG .* :barrier$/, 30_000);
  }, 60_000);

  it('takes 1,000 /part and /join pairs written at once, at the pace the client reads', async () => {
    const server = await startTestServer({ framedPort: null });
    await fill(server, '#busy', 3);
    const line = await LineClient.join(server.port('line'), 'hopper');
    line.write('/join #busy\n/part #busy\n'.repeat(1000));
    // Answered after all 2,000 (inputs are handled in order), with the client still there.
    await stillServed(line);
    expect(line.sawLine((text) => text.includes('#busy 3 yyy'))).toBe(true);
  }, 90_000);
});

import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

const SENDERS = 16;
const EACH = 32;
const PADDING = 'x'.repeat(8000);

/** The text of sender i's message j: its own name first, so every door shows it plainly. */
const text = (i: number, j: number) => `${i}:${j} ${PADDING}`;

describe('a busy batch', () => {
  // Group commit broadcasts what arrived in one turn in one go: here 512 messages of 8 KB,
  // 4 MB to every member, four times --max-queue-bytes. Members who read must all get it.
  it('reaches every member who reads, on every door, however large', async () => {
    const server = await startTestServer({ framedPort: null });
    const liner = await LineClient.join(server.port('line'), 'liner');
    const ircer = await IrcClient.register(server.port('irc'), 'ircer');
    await ircer.join('#lobby');
    const webber = await WsClient.join(server.port('http'), 'webber');
    const senders = await Promise.all(
      Array.from({ length: SENDERS }, (_, i) => WsClient.join(server.port('http'), `s${i}`)),
    );

    senders.forEach((sender, i) => {
      for (let j = 0; j < EACH; j++) {
        sender.send({ type: 'send', to: '#lobby', text: text(i, j), ref: `${j}` });
      }
    });
    await Promise.all(
      senders.map((sender) => sender.waitFor({ type: 'ack', ref: `${EACH - 1}` }, 30_000)),
    );
    // Said after every sender had its last message stored: whoever sees it has seen the rest.
    liner.send('after the batch');
    await ircer.waitFor(/PRIVMSG #lobby :after the batch$/, 30_000);
    await webber.waitFor({ type: 'message', text: 'after the batch' }, 30_000);
    await senders[0]!.waitFor({ type: 'message', text: 'after the batch' }, 30_000);

    for (let i = 0; i < SENDERS; i++) {
      for (let j = 0; j < EACH; j++) {
        expect(liner.sawLine(`<s${i}> ${text(i, j)}`)).toBe(true);
        expect(ircer.sawLine((line) => line.includes(`PRIVMSG #lobby :${i}:${j} xxx`))).toBe(true);
      }
    }
    const seen = webber.received.filter((m) => m.type === 'message' && m.from.startsWith('s'));
    expect(seen).toHaveLength(SENDERS * EACH);
    expect(liner.sawLine(/left the chat/)).toBe(false);
  }, 60_000);
});

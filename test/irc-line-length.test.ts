import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, mask, startTestServer } from './helpers.js';

const S = ':irc.test';

/** Bytes of UTF-8. */
const bytes = (text: string) => Buffer.byteLength(text);

/** A sender and a reader in #r; the reader's lines as they came, CR LF taken off. */
async function pair() {
  const server = await startTestServer();
  const sender = await IrcClient.register(server.port('irc'), 'sender');
  const reader = await IrcClient.register(server.port('irc'), 'reader');
  await sender.join('#r');
  await reader.join('#r');
  return { server, sender, reader };
}

/** The PRIVMSG lines of #r the reader got from `from`, whole. */
function privmsgs(reader: IrcClient, from: string): string[] {
  return reader.received.filter((line) => line.startsWith(`:${from} PRIVMSG #r :`));
}

describe('IRC line lengths', () => {
  it('handles a 512-byte line (510 bytes and CR LF) exactly, however it arrives, with no CR in the text', async () => {
    const { server, sender, reader } = await pair();
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #r');
    await line.waitFor('*** Now talking in #r');
    const head = 'PRIVMSG #r :';
    const text = `${'x'.repeat(510 - bytes(head) - 1)}!`;
    expect(bytes(head + text)).toBe(510);
    // CR and LF in separate writes: the CR is the line's end, not the text's.
    sender.write(`${head}${text}\r`);
    await new Promise((resolve) => setImmediate(resolve));
    sender.write('\n');
    await line.waitFor(`<sender> ${text}`);
    // The same with LF alone.
    sender.write(`${head}${text.replace('!', '?')}\n`);
    await line.waitFor(`<sender> ${text.replace('!', '?')}`);
    // One byte more is too long.
    sender.send(`${head}${text}y`);
    await sender.waitFor(`${S} 417 sender :Input line was too long`);
    // With the sender's mask in front, the text no longer fits one line: two PRIVMSGs.
    sender.send('PING :sent');
    await sender.waitFor(`${S} PONG irc.test :sent`);
    reader.send('PING :read');
    await reader.waitFor(`${S} PONG irc.test :read`);
    const got = privmsgs(reader, mask('sender'));
    expect(got).toHaveLength(4);
    for (const each of got) {
      expect(each).not.toContain('\r');
      expect(bytes(each) + 2).toBeLessThanOrEqual(512);
    }
    const texts = got.map((each) => each.slice(`:${mask('sender')} PRIVMSG #r :`.length));
    expect(texts[0]! + texts[1]!).toBe(text);
    expect(texts[2]! + texts[3]!).toBe(text.replace('!', '?'));
    expect(bytes(got[0]!) + 2).toBe(512);
  });

  it.each([
    ['é', 2],
    ['日本', 3],
    ['😀', 4],
  ])('splits a relayed message between characters, never inside one: %s', async (chars, size) => {
    const { sender, reader } = await pair();
    const head = `:${mask('sender')} PRIVMSG #r :`;
    // What one relayed line holds of text; the first multi-byte character straddles its end.
    const room = 512 - 2 - bytes(head);
    const lead = 'a'.repeat(room - size + 1);
    const text = `${lead}${chars}${'b'.repeat(10)}`;
    expect(bytes(`PRIVMSG #r :${text}`)).toBeLessThanOrEqual(510);
    sender.send(`PRIVMSG #r :${text}`);
    await reader.waitFor(`${head}${chars}${'b'.repeat(10)}`);
    // The first line stops before the character that would not fit: short of full by the
    // bytes of it that would have fitted.
    expect(privmsgs(reader, mask('sender'))).toEqual([
      `${head}${lead}`,
      `${head}${chars}${'b'.repeat(10)}`,
    ]);
    expect(bytes(`${head}${lead}`) + 2).toBe(512 - (size - 1));
  });

  it('splits a long message from another door at character boundaries, each line within 512 bytes', async () => {
    const { server, sender, reader } = await pair();
    // #r is sender's: it lets anyone in it set the topic.
    sender.send('MODE #r -t');
    await reader.waitFor(/ MODE #r -t$/);
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #r');
    await line.waitFor('*** Now talking in #r');
    // No spaces (which the split would prefer): the cuts fall wherever the bytes run out.
    const text = 'é日本😀x'.repeat(150);
    line.send(text);
    const from = mask('liner', '~line');
    await reader.waitFor(
      (received) => received.startsWith(`:${from} PRIVMSG #r :`) && received.endsWith('😀x'),
    );
    const got = privmsgs(reader, from);
    expect(got.length).toBeGreaterThan(2);
    const pieces = got.map((each) => each.slice(`:${from} PRIVMSG #r :`.length));
    expect(pieces.join('')).toBe(text);
    for (const [index, each] of got.entries()) {
      expect(bytes(each) + 2).toBeLessThanOrEqual(512);
      expect(pieces[index]).not.toContain('\ufffd');
      // Full, but for at most the bytes of one character that did not fit.
      if (index < got.length - 1) expect(bytes(each) + 2).toBeGreaterThan(512 - 4);
    }
  });

  it('cuts a topic too long for one line at a character boundary', async () => {
    const { server, sender, reader } = await pair();
    // #r is sender's: it lets anyone in it set the topic.
    sender.send('MODE #r -t');
    await reader.waitFor(/ MODE #r -t$/);
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #r');
    await line.waitFor('*** Now talking in #r');
    // 390 characters (TOPICLEN), 1,170 bytes.
    const topic = '日'.repeat(390);
    line.send(`/topic ${topic}`);
    const head = `:${mask('liner', '~line')} TOPIC #r :`;
    const got = await reader.waitFor((received) => received.startsWith(head));
    const shown = got.slice(head.length);
    expect(topic.startsWith(shown)).toBe(true);
    expect(bytes(got) + 2).toBeLessThanOrEqual(512);
    expect(bytes(got) + 2).toBeGreaterThan(512 - 3);
  });
});

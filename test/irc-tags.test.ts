import { describe, expect, it } from 'vitest';
import { escapeRegExp, IrcClient, LineClient, mask, startTestServer } from './helpers.js';

const S = ':irc.test';

/** Waits until everything the server sent the client before this is in (a PING/PONG barrier). */
async function barrier(client: IrcClient, token: string): Promise<void> {
  client.send(`PING :${token}`);
  await client.waitFor(`${S} PONG irc.test :${token}`);
}

/** Three IRC clients in #room: one that tags, one that reads tags, one that does not. */
async function threeInRoom() {
  const server = await startTestServer();
  const port = server.port('irc');
  const sender = await IrcClient.register(port, 'sender', ['message-tags', 'echo-message']);
  const reader = await IrcClient.register(port, 'reader', ['message-tags']);
  const plain = await IrcClient.register(port, 'plain');
  for (const client of [sender, reader, plain]) await client.join('#room');
  return { server, sender, reader, plain };
}

describe('IRC client-only tags', () => {
  it('relays + tags on PRIVMSG to clients with message-tags, drops server tags, and stores none', async () => {
    const { server, sender, reader, plain } = await threeInRoom();
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #room');
    await line.waitFor('*** Now talking in #room');
    sender.send(
      '@+draft/reply=#room/1;time=2000-01-01T00:00:00.000Z;msgid=forged;+example.org/x=a\\sb PRIVMSG #room :hi',
    );
    const tagged = `@msgid=#room/1;+draft/reply=#room/1;+example.org/x=a\\sb :${mask('sender')} PRIVMSG #room :hi`;
    await reader.waitFor(tagged);
    // Its own copy (echo-message), tagged the same.
    await sender.waitFor(tagged);
    await plain.waitFor(`:${mask('sender')} PRIVMSG #room :hi`);
    await line.waitFor('<sender> hi');
    // Not kept: the stored message has its text and nothing else.
    const [stored] = await server.store.latest('#room', 1);
    expect(stored).toMatchObject({ sender: 'sender', text: 'hi' });
    expect(JSON.stringify(stored)).not.toContain('draft');

    sender.send('@+draft/react=👍 PRIVMSG reader :private, tagged');
    await reader.waitFor(
      `@msgid=reader,sender/1;+draft/react=👍 :${mask('sender')} PRIVMSG reader :private, tagged`,
    );
  });

  it('relays TAGMSG to channels and nicknames, only to clients with message-tags, and stores nothing', async () => {
    const { server, sender, reader, plain } = await threeInRoom();
    sender.send('@+typing=active TAGMSG #room');
    // Each send has a msgid of its own (nothing is stored: a random one), on every copy.
    const tagmsg = (target: string, value: string) =>
      new RegExp(
        `^@msgid=([\\w-]{16});\\+typing=${value} :${escapeRegExp(mask('sender'))} TAGMSG ${target}$`,
      );
    const relayed = await reader.waitFor(tagmsg('#room', 'active'));
    const echoed = await sender.waitFor(tagmsg('#room', 'active'));
    expect(echoed.match(tagmsg('#room', 'active'))?.[1]).toBe(
      relayed.match(tagmsg('#room', 'active'))?.[1],
    );
    sender.send('@+typing=paused TAGMSG READER');
    const direct = await reader.waitFor(tagmsg('reader', 'paused'));
    expect(direct).not.toContain(relayed.match(tagmsg('#room', 'active'))?.[1]);
    sender.send('@+typing=done TAGMSG plain');
    // Everything sent to the plain client before its PONG has arrived: no TAGMSG among it.
    await barrier(plain, 'after-tagmsg');
    expect(plain.sawLine(/TAGMSG/)).toBe(false);
    expect(await server.store.latest('#room', 10)).toEqual([]);
  });

  it('drops TAGMSG without client tags or from a client without message-tags; PRIVMSG errors for bad targets', async () => {
    const { sender, reader, plain } = await threeInRoom();
    plain.send('@+typing=active TAGMSG #room');
    sender.send('@time=2000-01-01T00:00:00.000Z TAGMSG #room');
    await barrier(plain, 'p');
    await barrier(sender, 's');
    sender.send('@+typing=active TAGMSG #nowhere');
    await sender.waitFor(`${S} 401 sender #nowhere :No such nick/channel`);
    reader.send('JOIN #other');
    await reader.waitFor(/ 366 reader #other /);
    sender.send('@+typing=active TAGMSG #other');
    await sender.waitFor(`${S} 404 sender #other :Cannot send to channel`);
    sender.send('@+typing=active TAGMSG nobody');
    await sender.waitFor(`${S} 401 sender nobody :No such nick/channel`);
    await barrier(reader, 'r');
    expect(reader.sawLine(/TAGMSG/)).toBe(false);
    // Tags from a client that did not negotiate them go nowhere, even on a message.
    plain.send('@+draft/reply=#room/1 PRIVMSG #room :untagged');
    await reader.waitFor(`@msgid=#room/1 :${mask('plain')} PRIVMSG #room :untagged`);
  });

  it('answers 417 to a tag section over 4094 bytes and does not handle the line; 4094 bytes pass', async () => {
    const { sender, reader } = await threeInRoom();
    // '+t=' and 4092 bytes of value: 4095 bytes between the '@' and the space.
    sender.send(`@+t=${'v'.repeat(4092)} PRIVMSG #room :too many tags`);
    await sender.waitFor(`${S} 417 sender :Input line was too long`);
    sender.send(`@+t=${'v'.repeat(4091)} PRIVMSG #room :just enough`);
    const relayed = await reader.waitFor((line) => line.endsWith(' PRIVMSG #room :just enough'));
    expect(relayed).toBe(
      `@msgid=#room/1;+t=${'v'.repeat(4091)} :${mask('sender')} PRIVMSG #room :just enough`,
    );
    // The first line was never a message: the one relayed is #room/1.
    expect(reader.sawLine(/too many tags/)).toBe(false);
  });
});

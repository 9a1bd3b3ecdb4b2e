import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, mask, startTestServer } from './helpers.js';

const S = ':irc.test';

describe('IRC NOTICE', () => {
  it('never gets an automatic reply: no error numeric, no 301, not even before registration', async () => {
    const server = await startTestServer();
    const port = server.port('irc');
    const early = await IrcClient.connect(port);
    early.send('NOTICE someone :before registering');
    early.send('PING :early');
    await early.waitFor(`${S} PONG irc.test :early`);
    expect(early.received).toEqual([`${S} PONG irc.test :early`]);

    const away = await IrcClient.register(port, 'away');
    away.send('AWAY :out');
    await away.waitFor(/ 306 away /);
    away.send('JOIN #other');
    await away.waitFor(/ 366 away #other /);
    const sender = await IrcClient.register(port, 'sender');
    const start = sender.received.length;
    for (const line of [
      'NOTICE nobody :to nobody',
      'NOTICE #nowhere :to no channel',
      'NOTICE #other :to a channel I am not in',
      'NOTICE a,b,c,d,e :to too many',
      'NOTICE',
      'NOTICE away',
      'NOTICE away :',
      'NOTICE away :\x01VERSION\x01',
      `NOTICE away :${'x'.repeat(600)}`,
    ]) {
      sender.send(line);
    }
    sender.write('NOTICE away :nul\u0000here\r\n');
    sender.write(
      Buffer.concat([Buffer.from('NOTICE away :bad '), Buffer.from([0xff, 0xfe, 0x0d, 0x0a])]),
    );
    // The one that goes through, to someone away: delivered, and no 301 back.
    sender.send('NOTICE away :you are away');
    await away.waitFor(`:${mask('sender')} NOTICE away :you are away`);
    sender.send('PING :after');
    await sender.waitFor(`${S} PONG irc.test :after`);
    expect(sender.received.slice(start)).toEqual([`${S} PONG irc.test :after`]);
    // The same to PRIVMSG is answered, as it should be.
    sender.send('PRIVMSG nobody :to nobody');
    await sender.waitFor(`${S} 401 sender nobody :No such nick/channel`);
    sender.send('PRIVMSG away :you are away');
    await sender.waitFor(`${S} 301 sender away :out`);
  });

  it('reaches IRC clients as a NOTICE (echoed as one), other doors and replays as a message', async () => {
    const server = await startTestServer();
    const port = server.port('irc');
    const foo = await IrcClient.register(port, 'foo', ['echo-message']);
    await foo.join('#chan');
    const bar = await IrcClient.register(port, 'bar');
    await bar.join('#chan');
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/join #chan');
    for (const irc of [foo, bar]) await irc.waitFor(/^:carol!\S+ JOIN #chan$/);
    await foo.ask();
    await bar.ask();
    expect(await foo.ask('NOTICE #chan :hello there')).toEqual([
      `:${mask('foo')} NOTICE #chan :hello there`,
    ]);
    expect(await bar.ask()).toEqual([`:${mask('foo')} NOTICE #chan :hello there`]);
    await carol.waitFor(/<foo> hello there/);
    // The store keeps one kind of message: a later joiner's replay has a PRIVMSG.
    const late = await IrcClient.register(port, 'late');
    await late.join('#chan');
    await late.waitFor(/ PRIVMSG #chan :\[\S+ \S+\] hello there$/);
  });
});

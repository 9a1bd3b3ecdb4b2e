import { describe, expect, it } from 'vitest';
import { IrcClient, mask, startTestServer } from './helpers.js';

const S = ':irc.test';

describe('IRC registration order and PASS', () => {
  it.each([
    ['NICK then USER', ['NICK first', 'USER first 0 * :First']],
    ['USER then NICK', ['USER first 0 * :First', 'NICK first']],
  ])('registers with %s', async (_, lines) => {
    const server = await startTestServer();
    const client = await IrcClient.connect(server.port('irc'));
    for (const line of lines) client.send(line);
    await client.waitFor(`${S} 001 first :Welcome to the chatroom IRC network, ${mask('first')}`);
  });

  it('takes PASS and ignores it when the server has no password', async () => {
    const server = await startTestServer();
    const client = await IrcClient.connect(server.port('irc'));
    client.send('PASS anything');
    client.send('NICK free');
    client.send('USER free 0 * :Free');
    await client.waitFor(/^:irc\.test 001 free /);
  });

  describe('with --irc-password', () => {
    const ircPassword = 'open sesame';

    it('registers a client that sent the password (the last PASS counts), in either order', async () => {
      const server = await startTestServer({ ircPassword });
      const first = await IrcClient.connect(server.port('irc'));
      first.send('PASS wrong');
      first.send(`PASS :${ircPassword}`);
      first.send('NICK welcome');
      first.send('USER welcome 0 * :W');
      await first.waitFor(/^:irc\.test 001 welcome /);
      first.send(`PASS :${ircPassword}`);
      await first.waitFor(`${S} 462 welcome :You may not reregister`);
      // PASS may come after USER and NICK too, as long as registration waits (CAP).
      const second = await IrcClient.connect(server.port('irc'));
      second.send('CAP LS 302');
      second.send('USER late 0 * :L');
      second.send('NICK late');
      second.send(`PASS :${ircPassword}`);
      second.send('CAP END');
      await second.waitFor(/^:irc\.test 001 late /);
    });

    it.each([
      ['a wrong password', ['PASS guess', 'NICK intruder', 'USER intruder 0 * :I']],
      ['no password', ['NICK intruder', 'USER intruder 0 * :I']],
      [
        'a right password in the wrong case',
        ['PASS :OPEN SESAME', 'USER i 0 * :I', 'NICK intruder'],
      ],
    ])('answers %s with 464 and ERROR, and closes before registering', async (_, lines) => {
      const server = await startTestServer({ ircPassword });
      const client = await IrcClient.connect(server.port('irc'));
      for (const line of lines) client.send(line);
      await client.waitFor(`${S} 464 * :Password incorrect`);
      await client.waitFor('ERROR :Closing Link: * (Password incorrect)');
      await client.closed;
      expect(client.sawLine(/ 001 /)).toBe(false);
      // The nickname was never taken.
      const next = await IrcClient.connect(server.port('irc'));
      next.send(`PASS :${ircPassword}`);
      next.send('NICK intruder');
      next.send('USER intruder 0 * :I');
      await next.waitFor(/^:irc\.test 001 intruder /);
    });
  });

  it.each([
    ['an empty real name', 'USER empty 0 * :'],
    ['an empty user name', 'USER : 0 * :Empty'],
  ])('refuses USER with %s (461) and registers once it is given', async (_, line) => {
    const server = await startTestServer();
    const client = await IrcClient.connect(server.port('irc'));
    client.send('NICK empty');
    expect(await client.ask(line)).toEqual([`${S} 461 * USER :Not enough parameters`]);
    client.send('USER empty 0 * :Empty');
    await client.waitFor(/^:irc\.test 001 empty /);
  });
});

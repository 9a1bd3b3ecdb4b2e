import { describe, expect, it } from 'vitest';
import { IrcClient, startTestServer } from './helpers.js';

// Scenarios of the irctest suite (progval/irctest) that this server once failed.
const S = ':irc.test';

describe('IRC conformance', () => {
  it('LUSERS counts a connection without a nickname apart (253), never as a client', async () => {
    const server = await startTestServer();
    const bar = await IrcClient.register(server.port('irc'), 'bar');
    const qux = await IrcClient.connect(server.port('irc'));
    await qux.ask('NICK qux');
    expect(await bar.ask('LUSERS')).toEqual([
      `${S} 251 bar :There are 1 users and 0 invisible on 1 servers`,
      `${S} 252 bar 0 :operator(s) online`,
      `${S} 253 bar 1 :unknown connection(s)`,
      `${S} 254 bar 0 :channels formed`,
      `${S} 255 bar :I have 1 clients and 0 servers`,
      `${S} 265 bar 1 1 :Current local users 1, max 1`,
      `${S} 266 bar 1 1 :Current global users 1, max 1`,
    ]);
    qux.send('USER qux 0 * :Qux');
    await qux.waitFor(/^:irc\.test 376 qux /);
    const after = await bar.ask('LUSERS');
    expect(after).not.toContainEqual(expect.stringMatching(/ 253 /));
    expect(after).toContain(`${S} 255 bar :I have 2 clients and 0 servers`);
  });
});

import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient, LOCAL_CLOAK, startTestServer } from './helpers.js';

const S = ':irc.test';

describe('IRC server queries', () => {
  it('WHOWAS tells who held a nickname that quit or changed, newest first; 406 for none', async () => {
    const server = await startTestServer();
    const port = server.port('irc');
    const asker = await IrcClient.register(port, 'asker');
    const gone = await IrcClient.register(port, 'gone');
    gone.send('QUIT :bye');
    await gone.closed;
    const renamed = await IrcClient.register(port, 'gone');
    renamed.send('NICK later');
    await renamed.waitFor(/ NICK :?later$/);
    // A line user's nickname is remembered too, with its door for a real name.
    const line = await LineClient.join(server.port('line'), 'netty');
    line.send('/nick netty2');
    await line.waitFor('*** You are now known as netty2');

    asker.send('WHOWAS gone');
    await asker.waitFor(`${S} 314 asker gone ~gone ${LOCAL_CLOAK} * :gone the tester`);
    await asker.waitFor(/^:irc\.test 312 asker gone irc\.test :\w{3}, \d{2} \w{3} \d{4} /);
    await asker.waitFor(`${S} 314 asker gone ~gone ${LOCAL_CLOAK} * :gone the tester`);
    await asker.waitFor(`${S} 369 asker gone :End of WHOWAS`);
    asker.send('WHOWAS GONE 1');
    await asker.waitFor(`${S} 314 asker gone ~gone ${LOCAL_CLOAK} * :gone the tester`);
    await asker.waitFor(/ 312 asker gone /);
    await asker.waitFor(`${S} 369 asker GONE :End of WHOWAS`);
    asker.send('WHOWAS netty');
    await asker.waitFor(`${S} 314 asker netty ~line ${LOCAL_CLOAK} * :line user`);
    await asker.waitFor(`${S} 369 asker netty :End of WHOWAS`);
    asker.send('WHOWAS nobody');
    await asker.waitFor(`${S} 406 asker nobody :There was no such nickname`);
    await asker.waitFor(`${S} 369 asker nobody :End of WHOWAS`);
    asker.send('WHOWAS');
    await asker.waitFor(`${S} 431 asker :No nickname given`);
    // WHOWAS GONE 1 gave one entry, not both.
    const sinceLimited = asker.received.slice(
      asker.received.indexOf(`${S} 369 asker gone :End of WHOWAS`) + 1,
      asker.received.indexOf(`${S} 369 asker GONE :End of WHOWAS`),
    );
    expect(sinceLimited.filter((l) => / 314 /.test(l))).toHaveLength(1);
  });

  it('TIME gives the server clock; INFO says what the server is', async () => {
    const server = await startTestServer();
    const client = await IrcClient.register(server.port('irc'), 'clock');
    const before = Math.floor(Date.now() / 1000);
    client.send('TIME');
    const line = await client.waitFor(/^:irc\.test 391 clock irc\.test (\d+) 0 :\w{3}, \d{2} /);
    const stamp = Number(/ 391 clock irc\.test (\d+) /.exec(line)![1]);
    expect(stamp).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
    client.send('INFO');
    await client.waitFor(/^:irc\.test 371 clock :chatroom: a chat server/);
    await client.waitFor(/^:irc\.test 371 clock :Running since /);
    await client.waitFor(`${S} 374 clock :End of INFO list`);
  });
});

import { describe, expect, it } from 'vitest';
import { capturingLogger, IrcClient, LOCAL_CLOAK, mask } from './helpers.js';
import { startOperatorServer } from './operators.js';

/**
 * Server operators on the IRC door, over raw sockets (docs/moderation.md#server-operators):
 * OPER and its numerics, the cut-off after failed attempts, KILL, WALLOPS to +w users, and
 * server bans (K-lines) with their expiry. The operators come from a config file
 * (test/operators.ts): alice may OPER from anywhere, faraway only from 192.0.2.0/24.
 */

const S = ':irc.test';

/** Registers as `nick` if the server lets it: 'welcome' (001), or 'banned' (465). */
async function tryRegister(port: number, nick: string): Promise<'welcome' | 'banned'> {
  const client = await IrcClient.connect(port);
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :${nick} the tester`);
  const line = await client.waitFor(/^:irc\.test (001|465) /);
  if (line.includes(' 001 ')) return 'welcome';
  await client.waitFor(/^ERROR :Closing Link: \* \(Banned from this server/);
  await client.closed;
  return 'banned';
}

/** Sends PING and waits for its PONG: whatever was sent to the client before has arrived. */
async function barrier(client: IrcClient, token: string): Promise<void> {
  client.send(`PING ${token}`);
  await client.waitFor(`${S} PONG irc.test :${token}`);
}

describe('OPER', () => {
  it('answers 461, 464 alike for a wrong name or password, 491 for the wrong host, then 381 and +o', async () => {
    const { log, records } = capturingLogger();
    const server = await startOperatorServer({ log });
    const port = server.port('irc');
    const alice = await IrcClient.register(port, 'alice');
    const bob = await IrcClient.register(port, 'bob');

    alice.send('OPER alice');
    await alice.waitFor(`${S} 461 alice OPER :Not enough parameters`);
    alice.send('OPER alice :wrong horse');
    await alice.waitFor(`${S} 464 alice :Password incorrect`);
    alice.send('OPER nobody :correct horse');
    await alice.waitFor(`${S} 464 alice :Password incorrect`);
    // Two failures, then success: the count starts again.
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);
    await alice.waitFor(':alice MODE alice :+o');
    alice.send('MODE alice');
    await alice.waitFor(`${S} 221 alice +o`);

    // Others see it: WHOIS 313, WHO's "*", LUSERS 252 (this node's operators).
    bob.send('WHOIS alice');
    await bob.waitFor(`${S} 313 bob alice :is an IRC operator`);
    await bob.waitFor(`${S} 318 bob alice :End of /WHOIS list`);
    bob.send('WHO alice');
    await bob.waitFor(`${S} 352 bob * ~alice ${LOCAL_CLOAK} irc.test alice H* :0 alice the tester`);
    bob.send('LUSERS');
    await bob.waitFor(`${S} 252 bob 1 :operator(s) online`);
    alice.send('WHOIS bob');
    await alice.waitFor(`${S} 318 alice bob :End of /WHOIS list`);
    expect(alice.sawLine(/ 313 alice bob /)).toBe(false);

    // faraway's password is only good from 192.0.2.0/24: 491, but only with the password.
    bob.send('OPER faraway :not it');
    await bob.waitFor(`${S} 464 bob :Password incorrect`);
    bob.send('OPER faraway :far away');
    await bob.waitFor(`${S} 491 bob :No O-lines for your host`);
    bob.send('MODE bob');
    await bob.waitFor(`${S} 221 bob +`);

    // MODE -o gives it up; +o is not given by MODE.
    alice.send('MODE alice -o');
    await alice.waitFor(':alice MODE alice :-o');
    alice.send('MODE alice +o');
    alice.send('MODE alice');
    await alice.waitFor(`${S} 221 alice +`);
    bob.send('LUSERS');
    await bob.waitFor(`${S} 252 bob 0 :operator(s) online`);
    alice.send('KILL bob :bye');
    await alice.waitFor(`${S} 481 alice :Permission Denied- You're not an IRC operator`);

    // The server's log has every attempt, never a password; the audit log the success.
    const opers = records.filter((r) => String(r.event).startsWith('oper'));
    expect(opers.map((r) => [r.event, r.nick, r.operator, r.outcome])).toEqual([
      ['oper-failed', 'alice', 'alice', 'mismatch'],
      ['oper-failed', 'alice', 'nobody', 'mismatch'],
      ['oper', 'alice', 'alice', undefined],
      ['oper-failed', 'bob', 'faraway', 'mismatch'],
      ['oper-failed', 'bob', 'faraway', 'host'],
    ]);
    expect(opers.every((r) => r.door === 'irc' && r.address === '127.0.0.1')).toBe(true);
    const logged = JSON.stringify(records);
    for (const password of ['wrong horse', 'correct horse', 'not it', 'far away']) {
      expect(logged).not.toContain(password);
    }
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);
    alice.send('MODLOG * 5');
    await alice.waitFor(/ NOTICE alice :\s+\S+ \S+ \(server\) alice deoper alice$/);
    await alice.waitFor(/ NOTICE alice :\s+\S+ \S+ \(server\) alice oper alice$/);
  });

  it('closes the connection at the third failure, so passwords cannot be tried by the thousand', async () => {
    const { log, records } = capturingLogger();
    const server = await startOperatorServer({ log });
    const port = server.port('irc');
    const mallory = await IrcClient.register(port, 'mallory');
    mallory.send('OPER alice guess1');
    await mallory.waitFor(`${S} 464 mallory :Password incorrect`);
    mallory.send('OPER alice guess2');
    mallory.send('OPER alice guess3');
    // Sent at once with the third: never checked, never answered.
    mallory.send('OPER alice :correct horse');
    await mallory.waitFor(`${S} 464 mallory :Password incorrect`);
    await mallory.waitFor(`${S} 464 mallory :Password incorrect`);
    await mallory.waitFor('ERROR :Closing Link: mallory (Too many failed OPER attempts)');
    await mallory.closed;
    expect(mallory.sawLine(/ 381 /)).toBe(false);
    const failed = records.filter((r) => r.event === 'oper-failed');
    expect(failed.map((r) => r.lockedOut)).toEqual([undefined, undefined, true]);
    // A new connection has its own three tries (the per-address limits bound the rest).
    const again = await IrcClient.register(port, 'mallory');
    again.send('OPER alice :correct horse');
    await again.waitFor(`${S} 381 mallory :You are now an IRC operator`);
  });
});

describe('KILL', () => {
  it('is 481 for others and 401 for nobody; the victim gets ERROR, their channels a QUIT', async () => {
    const server = await startOperatorServer();
    const port = server.port('irc');
    const alice = await IrcClient.register(port, 'alice');
    const bob = await IrcClient.register(port, 'bob');
    const carol = await IrcClient.register(port, 'carol');
    await bob.join('#room');
    await carol.join('#room');

    carol.send('KILL bob :no');
    await carol.waitFor(`${S} 481 carol :Permission Denied- You're not an IRC operator`);
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);
    alice.send('KILL');
    await alice.waitFor(`${S} 461 alice KILL :Not enough parameters`);
    alice.send('KILL nobody :gone');
    await alice.waitFor(`${S} 401 alice nobody :No such nick/channel`);

    alice.send('KILL bob :spamming');
    await bob.waitFor('ERROR :Closing Link: bob (Killed by alice (spamming))');
    await bob.closed;
    await carol.waitFor(`:${mask('bob')} QUIT :Killed by alice (spamming)`);
    await alice.waitFor(`${S} NOTICE alice :You killed bob (spamming)`);
    alice.send('WHOIS bob');
    await alice.waitFor(`${S} 401 alice bob :No such nick/channel`);
    alice.send('MODLOG * 5');
    await alice.waitFor(/ NOTICE alice :\s+\S+ \S+ \(server\) alice kill bob: spamming$/);
  });
});

describe('WALLOPS', () => {
  it('reaches server operators and users with +w, not the others', async () => {
    const server = await startOperatorServer();
    const port = server.port('irc');
    const alice = await IrcClient.register(port, 'alice');
    const carol = await IrcClient.register(port, 'carol');
    const dave = await IrcClient.register(port, 'dave');

    carol.send('WALLOPS :let me in');
    await carol.waitFor(`${S} 481 carol :Permission Denied- You're not an IRC operator`);
    carol.send('MODE carol +w');
    await carol.waitFor(':carol MODE carol :+w');
    carol.send('MODE carol');
    await carol.waitFor(`${S} 221 carol +w`);
    dave.send('MODE dave +w-w');
    dave.send('MODE dave +iw');
    await dave.waitFor(':dave MODE dave :+iw');
    dave.send('MODE dave -w');
    await dave.waitFor(':dave MODE dave :-w');
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);

    alice.send('WALLOPS :maintenance at noon');
    const line = `:${mask('alice')} WALLOPS :maintenance at noon`;
    await carol.waitFor(line);
    // Operators get it without +w.
    await alice.waitFor(line);
    await barrier(dave, 'after-wallops');
    expect(dave.sawLine(/ WALLOPS /)).toBe(false);
    alice.send('WALLOPS');
    await alice.waitFor(`${S} 461 alice WALLOPS :Not enough parameters`);
  });
});

describe('KLINE', () => {
  it('puts matching users out (465, ERROR), refuses them at registration, lists and lifts', async () => {
    const server = await startOperatorServer();
    const port = server.port('irc');
    const alice = await IrcClient.register(port, 'alice');
    const bob = await IrcClient.register(port, 'bob');
    const carol = await IrcClient.register(port, 'carol');
    await bob.join('#room');
    await carol.join('#room');

    carol.send('KLINE 1h bob!*@* :spam');
    await carol.waitFor(`${S} 481 carol :Permission Denied- You're not an IRC operator`);
    carol.send('STATS k');
    await carol.waitFor(`${S} 481 carol :Permission Denied- You're not an IRC operator`);
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);

    // Hybrid's order (duration first); every user on this test's host shares a cloak, so the
    // mask names bob's nickname.
    alice.send('KLINE 1h bob!*@* :spam');
    await bob.waitFor(`${S} 465 bob :You are banned from this server`);
    await bob.waitFor('ERROR :Closing Link: bob (Banned from this server for 1h: spam)');
    await bob.closed;
    await carol.waitFor(`:${mask('bob')} QUIT :Banned from this server for 1h: spam`);
    await alice.waitFor(`${S} NOTICE alice :Added a server ban (K-line) on bob!*@* for 1h: spam`);
    expect(await tryRegister(port, 'bob')).toBe('banned');
    expect(await tryRegister(port, 'bobby')).toBe('welcome');
    // Taking the nickname later is refused too: masks match nicknames.
    carol.send('NICK bob');
    await carol.waitFor(`${S} 432 carol bob :Erroneous nickname`);

    // InspIRCd's order (mask first), and user@host: eve's USER name is shown "~eve".
    const eve = await IrcClient.register(port, 'eve');
    alice.send('KLINE ~eve@* 2h');
    await eve.waitFor('ERROR :Closing Link: eve (Banned from this server for 2h)');
    alice.send('KLINE *@*');
    await alice.waitFor(`${S} 400 alice KLINE :"*!*@*" would ban everyone.`);

    alice.send('STATS k');
    await alice.waitFor(/^:irc\.test 216 alice k bob!\*@\* \d{10} (3600|3599) alice :spam$/);
    await alice.waitFor(/^:irc\.test 216 alice k \*!~eve@\* \d{10} (7200|7199) alice :$/);
    await alice.waitFor(`${S} 219 alice k :End of /STATS report`);

    alice.send('UNKLINE bob!*@*');
    await alice.waitFor(`${S} NOTICE alice :Removed the server ban (K-line) on bob!*@*`);
    expect(await tryRegister(port, 'bob')).toBe('welcome');
    alice.send('UNKLINE bob!*@*');
    await alice.waitFor(`${S} 400 alice UNKLINE :There is no server ban on bob!*@*.`);
    alice.send('MODLOG * 5');
    await alice.waitFor(/ NOTICE alice :\s+\S+ \S+ \(server\) alice unkline bob!\*@\*$/);
    await alice.waitFor(/ NOTICE alice :\s+\S+ \S+ \(server\) alice kline \*!~eve@\* until /);
    await alice.waitFor(
      / NOTICE alice :\s+\S+ \S+ \(server\) alice kline bob!\*@\* until .+: spam$/,
    );
  });

  it('lifts by itself when its time runs out', async () => {
    const server = await startOperatorServer();
    const port = server.port('irc');
    const alice = await IrcClient.register(port, 'alice');
    const dave = await IrcClient.register(port, 'dave');
    alice.send('OPER alice :correct horse');
    await alice.waitFor(`${S} 381 alice :You are now an IRC operator`);
    alice.send('KLINE dave!*@* 2s :a breather');
    await dave.waitFor(`${S} 465 dave :You are banned from this server`);
    await dave.waitFor('ERROR :Closing Link: dave (Banned from this server for 2s: a breather)');
    const setAt = Date.now();
    expect(await tryRegister(port, 'dave')).toBe('banned');
    let outcome: 'welcome' | 'banned' = 'banned';
    while (outcome === 'banned' && Date.now() - setAt < 6000) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      outcome = await tryRegister(port, 'dave');
    }
    expect(outcome).toBe('welcome');
    expect(Date.now() - setAt).toBeGreaterThanOrEqual(1900);
    alice.send('STATS k');
    await alice.waitFor(`${S} 219 alice k :End of /STATS report`);
    expect(alice.sawLine(/ 216 /)).toBe(false);
  });
});

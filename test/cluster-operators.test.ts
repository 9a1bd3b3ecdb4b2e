import { describe, expect, it } from 'vitest';
import { startCluster } from './cluster-nodes.js';
import { IrcClient, LineClient } from './helpers.js';
import { operatorsConfigFile } from './operators.js';
import { requireBuiltCli } from './spawned.js';
import { poll } from './wait.js';

/** The shared Redis (CI starts it); each cluster has a key prefix of its own. */
const REDIS_URL = process.env.CHATROOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

requireBuiltCli();

/** Registers on IRC as `nick`, and gives the line that settled it: 001, or 465 (banned). */
async function register(port: number, nick: string): Promise<string> {
  const client = await IrcClient.connect(port);
  client.send(`NICK ${nick}`);
  client.send(`USER ${nick} 0 * :${nick}`);
  return client.waitFor(/^:\S+ (001|465) /);
}

/**
 * Server operators across nodes: an operator on one node kills a user connected to another,
 * and a server ban set on one keeps its users out of every node, the ones started after too.
 */
describe('server operators across nodes', () => {
  it('KILL, WALLOPS and K-lines reach users of the other node', async () => {
    const config = await operatorsConfigFile();
    const cluster = await startCluster(REDIS_URL, 2, ['--config', config]);
    const [one, two] = cluster.nodes as [(typeof cluster.nodes)[0], (typeof cluster.nodes)[0]];
    const alice = await IrcClient.register(one.ports.irc, 'alice');
    await alice.join('#lobby');
    alice.send('OPER alice :correct horse');
    await alice.waitFor(/ 381 alice :You are now an IRC operator$/);

    // Node two sees an operator, and its +w users get the WALLOPS.
    const watcher = await IrcClient.register(two.ports.irc, 'watcher');
    watcher.send('WHOIS alice');
    await watcher.waitFor(/ 313 watcher alice :is an IRC operator$/);
    watcher.send('MODE watcher +w');
    await watcher.waitFor(':watcher MODE watcher :+w');
    alice.send('WALLOPS :from node one');
    await watcher.waitFor(/^:alice!~alice@\S+ WALLOPS :from node one$/);

    // A KILL of someone on node two: they are put out there, and both nodes hear the QUIT.
    const bob = await LineClient.join(two.ports.line, 'bob');
    await alice.waitFor(/^:bob!\S+ JOIN #lobby$/);
    alice.send('KILL bob :cross-node');
    await bob.waitFor('*** Disconnected: Killed by alice (cross-node)');
    await bob.closed;
    await alice.waitFor(/^:bob!\S+ QUIT :Killed by alice \(cross-node\)$/);
    alice.send('WHOIS bob');
    await alice.waitFor(/ 401 alice bob :No such nick\/channel$/);

    // A K-line set on node one puts dave out of node two, and keeps him out of it.
    const dave = await LineClient.join(two.ports.line, 'dave');
    alice.send('KLINE dave!*@* 1h :cluster wide');
    await dave.waitFor('*** Disconnected: Banned from this server for 1h: cluster wide');
    await dave.closed;
    expect(await register(two.ports.irc, 'dave')).toMatch(
      / 465 \* :You are banned from this server$/,
    );
    // A node that starts afterwards reads it from the store.
    const three = await cluster.start('n3');
    expect(await register(three.ports.irc, 'dave')).toMatch(/ 465 /);

    // Lifted on node two (by an operator there), it is lifted everywhere.
    watcher.send('OPER alice :correct horse');
    await watcher.waitFor(/ 381 watcher :You are now an IRC operator$/);
    watcher.send('STATS k');
    await watcher.waitFor(/ 216 watcher k dave!\*@\* \d+ \d+ alice :cluster wide$/);
    watcher.send('UNKLINE dave!*@*');
    await watcher.waitFor(/ NOTICE watcher :Removed the server ban \(K-line\) on dave!\*@\*$/);
    // Node one hears of it as soon as Redis carries it: dave gets in there too.
    await poll('node one to let dave in', async () =>
      / 001 /.test(await register(one.ports.irc, 'dave')) ? true : undefined,
    );
    alice.send('STATS k');
    await alice.waitFor(/ 219 alice k :End of \/STATS report$/);
    expect(alice.sawLine(/ 216 /)).toBe(false);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { clusterHealth, DEADLINE_MS, LineChatter, lineWho } from './cluster-chat.js';
import { startCluster } from './cluster-nodes.js';
import { LineClient, onCleanup } from './helpers.js';
import { startRedis } from './redis-server.js';
import { requireBuiltCli } from './spawned.js';
import { poll } from './wait.js';

beforeAll(() => requireBuiltCli());

describe('cluster: one nickname, one user', () => {
  it('after Redis restarted empty, a nickname given out again while its node slept goes back to its first holder; the later one is renamed and told why', async () => {
    const redis = await startRedis();
    onCleanup(() => redis.stop());
    // A long lease: the sleeping node must wake before the others may take it for lost, and
    // the rename must come from node 2 saying who it has, not from node 1's second look at
    // its own claims a lease after Redis came back.
    const cluster = await startCluster(redis.url, 2, ['--node-lease', '30']);
    const [n1, n2] = [cluster.nodes[0]!, cluster.nodes[1]!];
    const watcher = await LineChatter.join(n1, 'watcher');
    const first = await LineChatter.join(n2, 'bob');

    // Redis forgets every claim while node 2 sleeps through its return.
    n2.child.kill('SIGSTOP');
    onCleanup(() => {
      n2.child.kill('SIGCONT');
    });
    redis.kill('SIGKILL');
    await redis.restart();
    await poll(
      'node 1 back on Redis',
      async () => ((await clusterHealth(n1)).redis === 'up' ? true : undefined),
      { timeoutMs: DEADLINE_MS, everyMs: 100 },
    );
    // Free as far as the new Redis knows: node 1 gives it out.
    const second = await LineClient.connect(n1.ports.line);
    await poll(
      'node 1 to give out bob',
      async () => {
        second.send('bob');
        const answer = await second.waitFor(
          (line) => line === '*** Now talking in #lobby' || line.startsWith('!!!'),
          DEADLINE_MS,
        );
        return answer === '*** Now talking in #lobby' || undefined;
      },
      { timeoutMs: DEADLINE_MS, everyMs: 200 },
    );

    // Node 2 wakes and puts its earlier claim back: node 1's bob gives way.
    n2.child.kill('SIGCONT');
    await second.waitFor(
      /^\*\*\* You are now Guest-\d+: another server had given your nickname out first/,
      10_000,
    );
    expect(first.gone).toBe(false);
    await poll(
      'one bob in #lobby on node 1',
      async () => {
        const who = await lineWho(watcher);
        return who.filter((nick) => nick === 'bob').length === 1 &&
          who.some((nick) => nick.startsWith('Guest-'))
          ? who
          : undefined;
      },
      { timeoutMs: DEADLINE_MS, everyMs: 200 },
    );
  }, 60_000);
});

import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Chatter,
  clusterHealth,
  DEADLINE_MS,
  expectNoDuplicates,
  expectSawStoredOrder,
  keepTalking,
  LineChatter,
  lineWho,
  roundTrip,
  storedRoom,
  WsChatter,
} from './cluster-chat.js';
import { type ClusterNode, startCluster } from './cluster-nodes.js';
import { IrcClient, LineClient, onCleanup } from './helpers.js';
import { RedisDroppingProxy } from './redis-dropping-proxy.js';
import { connectRedis, startRedis, type TestRedis } from './redis-server.js';
import { requireBuiltCli } from './spawned.js';
import { poll } from './wait.js';
import { WsClient } from './ws-client.js';

/**
 * Redis failing under a cluster: away for a while, or losing publications. PostgreSQL has
 * every message, so the nodes fetch what Redis did not bring: with the default 10 s check
 * interval a message whose publication was lost reaches the others within 10 s, or at once
 * when a later one shows the gap.
 */
const ARGS = ['--cluster-check-interval', '1', '--flood-rate', '0'];

beforeAll(() => requireBuiltCli());

/** A Redis of the test's own, which it may kill. */
async function ownRedis(): Promise<TestRedis> {
  const redis = await startRedis();
  onCleanup(() => redis.stop());
  return redis;
}

/** Asks again every 200 ms until the answer is yes. */
async function askUntil(what: string, ask: () => Promise<boolean>): Promise<void> {
  await poll(what, async () => (await ask()) || undefined, {
    timeoutMs: DEADLINE_MS,
    everyMs: 200,
  });
}

/** Waits until every client has received at least `count` messages: the stream is flowing. */
async function flowing(chatters: readonly Chatter[], count: number): Promise<void> {
  await poll(
    `every client to receive ${count} messages`,
    () => chatters.every((chatter) => chatter.messages().length >= count) || undefined,
    { timeoutMs: DEADLINE_MS },
  );
}

/** A line and a WebSocket user on each of two nodes: l1, w1, l2, w2. */
async function lineAndWebOnEach(
  n1: ClusterNode,
  n2: ClusterNode,
): Promise<[LineChatter, WsChatter, LineChatter, WsChatter]> {
  return [
    await LineChatter.join(n1, 'l1'),
    await WsChatter.join(n1, 'w1'),
    await LineChatter.join(n2, 'l2'),
    await WsChatter.join(n2, 'w2'),
  ];
}

describe('cluster faults: Redis', () => {
  it('Redis killed and restarted mid-stream: each node goes on alone, then all catch up; new nicknames wait for Redis', async () => {
    const redis = await ownRedis();
    // Away for longer than a lease: with Redis down nobody can take a node for lost, so no
    // node drops its clients, however long it lasts.
    const cluster = await startCluster(redis.url, 2, ['--node-lease', '2', ...ARGS]);
    const [n1, n2] = [cluster.nodes[0]!, cluster.nodes[1]!];
    const chatters = await lineAndWebOnEach(n1, n2);
    const [l1, w1, l2, w2] = chatters;
    const talk = keepTalking(chatters, 50);
    await flowing(chatters, 10);

    redis.kill('SIGKILL');
    const lastBefore = Math.max(...(await storedRoom(cluster.databaseUrl)).map((row) => row.id));
    await poll(
      'both nodes to see Redis gone',
      async () => {
        const states = await Promise.all([clusterHealth(n1), clusterHealth(n2)]);
        return states.every((state) => state.redis === 'down') || undefined;
      },
      { timeoutMs: DEADLINE_MS },
    );

    // Said while Redis is away: stored, and delivered on the sender's node.
    l1.say('l1 while Redis is away');
    w2.say('w2 while Redis is away');
    await Promise.all([
      poll(
        'w1 to hear l1 without Redis',
        () =>
          w1.messages().some((message) => message.text === 'l1 while Redis is away') || undefined,
      ),
      poll(
        'l2 to hear w2 without Redis',
        () =>
          l2.messages().some((message) => message.text === 'w2 while Redis is away') || undefined,
      ),
    ]);

    // New nicknames are refused, each door saying so its own way.
    const line = await LineClient.connect(n1.ports.line);
    line.send('newline');
    await line.waitFor(/^!!! .*\(NICK_UNAVAILABLE\)$/, DEADLINE_MS);
    const irc = await IrcClient.connect(n2.ports.irc);
    irc.send('NICK newirc');
    irc.send('USER newirc 0 * :new');
    await irc.waitFor(/^:\S+ 437 \S+ newirc :/, DEADLINE_MS);
    const ws = await WsClient.connect(n1.ports.http);
    ws.send({ type: 'hello', nick: 'newws' });
    await ws.waitForType('error', { code: 'NICK_UNAVAILABLE' }, DEADLINE_MS);

    await poll(
      'both leases to lapse unrenewed',
      async () => {
        const states = await Promise.all([clusterHealth(n1), clusterHealth(n2)]);
        return states.every((state) => state.lease === 'unconfirmed') || undefined;
      },
      { timeoutMs: DEADLINE_MS },
    );
    const outage = (await storedRoom(cluster.databaseUrl)).filter((row) => row.id > lastBefore);
    await redis.restart();

    // Both nodes stored messages while Redis was away.
    const outageSenders = new Set(outage.map((row) => row.sender));
    expect([...outageSenders].sort()).toEqual(['l1', 'l2', 'w1', 'w2']);

    // Once the nodes are back on Redis, the same clients get their nicknames, asking again
    // until the node has its lease in the new Redis.
    await askUntil('the line client to get its nickname', async () => {
      line.send('newline');
      const answer = await line.waitFor(
        (text) => text === '*** Now talking in #lobby' || text.includes('(NICK_UNAVAILABLE)'),
        DEADLINE_MS,
      );
      return answer === '*** Now talking in #lobby';
    });
    await askUntil('the IRC client to get its nickname', async () => {
      irc.send('NICK newirc');
      const answer = await irc.waitFor(/^:\S+ (001|437) /, DEADLINE_MS);
      return / 001 /.test(answer);
    });
    await askUntil('the WebSocket client to get its nickname', async () => {
      ws.send({ type: 'hello', nick: 'newws' });
      const answer = await ws.waitFor(
        (message) =>
          message.type === 'welcome' ||
          (message.type === 'error' && message.code === 'NICK_UNAVAILABLE'),
        DEADLINE_MS,
      );
      return answer.type === 'welcome';
    });
    talk.stop();

    // Everyone saw every message once, in the store's order, those of the outage included.
    await roundTrip(l1, chatters, 'l1 over', cluster.databaseUrl);
    await roundTrip(l2, chatters, 'l2 over', cluster.databaseUrl);
    const rows = await storedRoom(cluster.databaseUrl);
    expectNoDuplicates(rows);
    for (const chatter of chatters) expectSawStoredOrder(chatter, rows);
  }, 90_000);

  it('publications dropped on the way: the other nodes fetch the messages from PostgreSQL, once each and in order', async () => {
    const redis = await ownRedis();
    // Every third room message n1 publishes is lost, then (for the last one) all of them.
    let dropAll = false;
    let messages = 0;
    const proxy = await RedisDroppingProxy.start(redis.port, (channel, payload) => {
      if (!channel.endsWith(':room:#lobby') || !payload.includes('"type":"message"')) {
        return false;
      }
      messages++;
      return dropAll || messages % 3 === 0;
    });
    const cluster = await startCluster(redis.url, 0, ['--node-lease', '5', ...ARGS]);
    const n1 = await cluster.start('n1', { redisUrl: proxy.url });
    const n2 = await cluster.start('n2');
    const n3 = await cluster.start('n3');
    const chatters = [
      await LineChatter.join(n1, 'l1'),
      await WsChatter.join(n1, 'w1'),
      await LineChatter.join(n2, 'l2'),
      await WsChatter.join(n2, 'w2'),
      await LineChatter.join(n3, 'l3'),
    ];
    const [l1, w1, l2, w2, l3] = chatters;
    const talk = keepTalking(chatters, 50);
    await poll(
      "20 of n1's publications to be dropped",
      () => (proxy.dropped.length >= 20 ? true : undefined),
      { timeoutMs: DEADLINE_MS },
    );
    talk.stop();
    await roundTrip(l2!, chatters, 'l2 settles', cluster.databaseUrl);

    // Nothing comes after this one to show the gap: the periodic check finds it.
    dropAll = true;
    const alone = await roundTrip(w1!, chatters, 'w1 alone', cluster.databaseUrl);
    expect(proxy.dropped.at(-1)?.payload).toContain('"text":"w1 alone"');

    const rows = await storedRoom(cluster.databaseUrl);
    expect(rows.at(-1)?.id).toBe(alone);
    expectNoDuplicates(rows);
    for (const chatter of chatters) expectSawStoredOrder(chatter, rows);
    // The others never heard of the dropped ones through Redis, yet saw them.
    const dropped = proxy.dropped.map(
      ({ payload }) => (JSON.parse(payload) as { event: { id: number } }).event.id,
    );
    for (const chatter of [l2!, w2!, l3!]) {
      const seen = new Set(chatter.messages().map((message) => message.id));
      expect(dropped.filter((id) => !seen.has(id))).toEqual([]);
    }
    expect(l1!.messages().length).toBeGreaterThan(0);
  }, 90_000);

  it('malformed and foreign payloads on cluster channels: logged, never delivered', async () => {
    const redis = await ownRedis();
    const cluster = await startCluster(redis.url, 2, ['--node-lease', '5', ...ARGS]);
    const [n1, n2] = [cluster.nodes[0]!, cluster.nodes[1]!];
    const chatters = await lineAndWebOnEach(n1, n2);
    const [l1, , l2] = chatters;
    const before = await roundTrip(l1, chatters, 'l1 before', cluster.databaseUrl);
    const seenBefore = chatters.map((chatter) => chatter.transcript().split('\n').length);

    const room = `${cluster.prefix}:room:#lobby`;
    const all = `${cluster.prefix}:all`;
    const spoof = {
      type: 'message',
      id: before + 1,
      room: '#lobby',
      from: 'mallory',
      text: 'spoofed',
      action: false,
      time: Date.now(),
    };
    const event = (fields: object, audience: object = { rooms: ['#lobby'] }) =>
      JSON.stringify({
        v: 1,
        k: 'event',
        node: 'elsewhere',
        event: { ...spoof, ...fields },
        audience,
      });
    const payloads: Array<[channel: string, payload: string, reason: string]> = [
      [room, '{"v":1,"k":"event",', 'not JSON'],
      [all, 'hello from another application', 'not JSON'],
      [all, '[1,2,3]', 'not an object'],
      [
        room,
        JSON.stringify({ v: 2, k: 'event', node: 'elsewhere', event: spoof, audience: {} }),
        'version 2, not 1',
      ],
      [room, JSON.stringify({ v: 1, k: 'event', event: spoof, audience: {} }), 'no node'],
      [room, event({ id: String(before + 1) }), 'message event with a bad id'],
      [room, event({ text: 42 }), 'message event with a bad text'],
      [room, event({}, { rooms: '#lobby' }), 'audience with a bad rooms'],
      [all, event({ type: 'quit', nick: 'l1', reason: null }), 'quit event with a bad reason'],
      [
        all,
        JSON.stringify({
          v: 1,
          k: 'member',
          node: 'elsewhere',
          key: 'ghost',
          state: { nick: 'ghost' },
        }),
        'bad member state',
      ],
      [all, JSON.stringify({ v: 1, k: 'takeover', node: 'elsewhere' }), 'unknown kind takeover'],
    ];
    const publisher = await connectRedis(redis.url);
    onCleanup(() => publisher.disconnect());
    for (const [channel, payload] of payloads) {
      // Both nodes listen on each channel.
      expect(await publisher.publish(channel, payload)).toBe(2);
    }

    // Barriers: published after the payloads, each node's message reaches the other after them.
    await roundTrip(l2, chatters, 'l2 after', cluster.databaseUrl);
    await roundTrip(l1, chatters, 'l1 after', cluster.databaseUrl);
    const rows = await storedRoom(cluster.databaseUrl);
    for (const [i, chatter] of chatters.entries()) {
      // Since the first barrier: nothing but the two messages after (and acks of one's own).
      const since = chatter.transcript().split('\n').slice(seenBefore[i]);
      const heard = since.filter((line) => !/^\*\*\* Sent @|"type":"ack"/.test(line));
      const others = rows.filter((row) => row.id > before && row.sender !== chatter.nick);
      expect(heard, `what ${chatter.nick} received after the payloads`).toHaveLength(others.length);
      expectSawStoredOrder(chatter, rows);
    }
    expect(await lineWho(l1)).toEqual(['l1', 'l2', 'w1', 'w2']);

    // Each node logged every payload, with why it was refused.
    for (const node of [n1, n2]) {
      const reasons = await poll(
        `${node.name} to log every payload`,
        () => {
          const found = node
            .stderr()
            .split('\n')
            .filter((line) => line.includes('a malformed message on a cluster channel was dropped'))
            .map((line) => {
              const { channel, reason } = JSON.parse(line) as { channel: string; reason: string };
              return { channel, reason };
            });
          return found.length >= payloads.length ? found : undefined;
        },
        { timeoutMs: DEADLINE_MS, seen: () => node.stderr() },
      );
      expect(reasons).toEqual(payloads.map(([channel, , reason]) => ({ channel, reason })));
    }
  }, 90_000);
});

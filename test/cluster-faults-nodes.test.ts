import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEADLINE_MS,
  expectNoDuplicates,
  expectSawStoredOrder,
  ircNames,
  keepTalking,
  LineChatter,
  lineWho,
  roundTrip,
  storedRoom,
  WsChatter,
  within,
} from './cluster-chat.js';
import { startCluster } from './cluster-nodes.js';
import { IrcClient, LineClient } from './helpers.js';
import { startRedis, type TestRedis } from './redis-server.js';
import { requireBuiltCli } from './spawned.js';
import { poll } from './wait.js';

/**
 * Nodes that die or stop answering. The leases are short to keep the tests quick; with the
 * defaults (a 15 s lease renewed every 5 s, the others looking for lapsed leases every 3 s, a
 * store check every 10 s) a dead node's users are announced gone at most 15 + 3 = 18 s after
 * it died (its lease was renewed at most when it died) and a message it stored but never
 * published reaches the others within 10 s: both inside the 20 s the cluster promises.
 */
const LEASE_S = 2;
const ARGS = [
  '--node-lease',
  String(LEASE_S),
  '--cluster-check-interval',
  '1',
  '--flood-rate',
  '0',
];

let redis: TestRedis;

beforeAll(async () => {
  requireBuiltCli();
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

describe('cluster faults: a node dies or hangs', () => {
  it('a node killed with -9 mid-stream: its users quit elsewhere, nothing acknowledged is lost or doubled, its client resumes on a survivor', async () => {
    const cluster = await startCluster(redis.url, 3, ARGS);
    const [n1, n2, n3] = [cluster.nodes[0]!, cluster.nodes[1]!, cluster.nodes[2]!];
    const l1 = await LineChatter.join(n1, 'l1');
    const w1 = await WsChatter.join(n1, 'w1');
    const l2 = await LineChatter.join(n2, 'l2');
    const w2 = await WsChatter.join(n2, 'w2');
    const l3 = await LineChatter.join(n3, 'l3');
    const w3 = await WsChatter.join(n3, 'w3');
    const survivors = [l1, w1, l3, w3];
    const talk = keepTalking([l1, w1, l2, w2, l3, w3], 40);

    // Well into the stream, every survivor has heard from both of n2's users.
    await poll(
      "the survivors to hear n2's users",
      () =>
        survivors.every((chatter) =>
          ['l2 5', 'w2 5'].every((text) => chatter.messages().some((m) => m.text === text)),
        ) || undefined,
      { timeoutMs: DEADLINE_MS },
    );
    // Sent as n2 dies: it may be stored or not, but it is never acknowledged.
    w2.say('w2 last words');
    n2.child.kill('SIGKILL');
    const killedAt = Date.now();
    const lastSeen = Math.max(0, ...w2.messages().map((message) => message.id));

    // (a) On every survivor, both of n2's users quit, within the lease and a margin.
    const reason = 'Server lost (n2)';
    await Promise.all([
      ...[l1, l3].flatMap((chatter) =>
        ['l2', 'w2'].map((nick) =>
          chatter.client.waitFor(`*** ${nick} left the chat (${reason})`, DEADLINE_MS),
        ),
      ),
      ...[w1, w3].flatMap((chatter) =>
        ['l2', 'w2'].map((nick) =>
          chatter.client.waitFor({ type: 'quit', nick, reason }, DEADLINE_MS),
        ),
      ),
    ]);
    expect(Date.now() - killedAt).toBeLessThan(LEASE_S * 1000 + 5000);

    // (c) n2's WebSocket client comes back on n1 under its nickname, resuming after the
    // last message it saw, while the others go on talking; then it sends again what was
    // never acknowledged, with the same refs.
    const unacknowledged = w2.said().filter((text) => !w2.acks().has(text));
    expect(unacknowledged).toContain('w2 last words');
    const back = await WsChatter.connect(n1, 'w2');
    back.client.send({ type: 'hello', nick: 'w2', resume: [{ room: '#lobby', after: lastSeen }] });
    const resumed = await back.client.waitForType('history', { reason: 'resume' }, DEADLINE_MS);
    // The others went on talking meanwhile.
    expect(resumed.messages.length).toBeGreaterThan(0);
    expect(resumed.more).toBe(false);
    for (const text of unacknowledged) back.say(text);
    await poll(
      'acks of the messages sent again',
      () => unacknowledged.every((text) => back.acks().has(text)) || undefined,
    );
    // n2's line user's nickname is free too.
    const l2again = await LineChatter.join(n3, 'l2');
    talk.stop();

    // A last message all hear: everything stored before it has reached everyone by then.
    await roundTrip(l1, [...survivors, back, l2again], 'l1 over', cluster.databaseUrl);
    const rows = await storedRoom(cluster.databaseUrl);
    const stored = new Map(rows.map((row) => [row.id, row]));

    // (b) Whatever was acknowledged to a sender, or received by anyone, is stored once.
    expectNoDuplicates(rows);
    for (const chatter of [l1, w1, l2, w2, l3, w3, back, l2again]) {
      for (const id of chatter.ackedIds()) {
        expect(stored.get(id)?.sender, `${chatter.nick}'s acknowledged @${id}`).toBe(chatter.nick);
      }
      for (const message of chatter.messages()) {
        expect(stored.get(message.id), `@${message.id} as ${chatter.nick} saw it`).toEqual({
          id: message.id,
          sender: message.from,
          body: message.text,
        });
      }
    }
    for (const [text, id] of w2.acks()) expect(stored.get(id)?.body).toBe(text);
    for (const [text, id] of back.acks()) expect(stored.get(id)?.body).toBe(text);

    // Every survivor's client saw the whole room, n2's last messages included, in order.
    for (const chatter of survivors) expectSawStoredOrder(chatter, rows);
    // The client that came back saw exactly what it had missed, once each and in order;
    // only the messages it sent again and that were new then are not sent back to it.
    const resent = new Set(back.ackedIds());
    const inHistory = new Set(resumed.messages.map((message) => message.id));
    expectSawStoredOrder(
      back,
      rows.filter((row) => !(resent.has(row.id) && !inHistory.has(row.id))),
      lastSeen,
      { ownToo: true },
    );
    // The line user that came back on n3 saw the room from its first message on.
    const first = l2again.messages()[0]?.id ?? Number.POSITIVE_INFINITY;
    expectSawStoredOrder(l2again, rows, first - 1);
  }, 90_000);

  it('a node paused past its lease: its users quit elsewhere, their nicknames are free; woken, it tells its clients why it drops them and leaves no ghosts', async () => {
    const cluster = await startCluster(redis.url, 3, ARGS);
    const [n1, n2, n3] = [cluster.nodes[0]!, cluster.nodes[1]!, cluster.nodes[2]!];
    const l1 = await LineChatter.join(n1, 'l1');
    const i1 = await IrcClient.register(n1.ports.irc, 'i1');
    await i1.join('#lobby');
    const l3 = await LineChatter.join(n3, 'l3');
    const i3 = await IrcClient.register(n3.ports.irc, 'i3');
    await i3.join('#lobby');
    const l2 = await LineChatter.join(n2, 'l2');
    const w2 = await WsChatter.join(n2, 'w2');
    const i2 = await IrcClient.register(n2.ports.irc, 'i2');
    await i2.join('#lobby');
    // n2 told the others of its users before this message, on the same connection.
    await roundTrip(l2, [l1, l3], 'l2 here', cluster.databaseUrl);
    expect(await ircNames(i1)).toEqual(['i1', 'i2', 'i3', 'l1', 'l2', 'l3', 'w2']);

    n2.child.kill('SIGSTOP');
    const quit = (nick: string) => `${nick} left the chat (Server lost (n2))`;
    const ircQuit = (nick: string) => new RegExp(`^:${nick}!\\S+ QUIT :Server lost \\(n2\\)$`);
    await Promise.all(
      ['l2', 'w2', 'i2'].flatMap((nick) => [
        l1.client.waitFor(`*** ${quit(nick)}`, DEADLINE_MS),
        l3.client.waitFor(`*** ${quit(nick)}`, DEADLINE_MS),
        i1.waitFor(ircQuit(nick), DEADLINE_MS),
        i3.waitFor(ircQuit(nick), DEADLINE_MS),
      ]),
    );
    // Their nicknames are free: two are taken on the other nodes while n2 sleeps.
    const w2elsewhere = await WsChatter.join(n1, 'w2');
    const l2elsewhere = await LineChatter.join(n3, 'l2');

    n2.child.kill('SIGCONT');
    // Woken, n2 finds its lease lapsed: it drops its clients, telling each why.
    const why = /lost touch with the others/;
    await l2.client.waitFor((line) => why.test(line), DEADLINE_MS);
    await within(l2.client.closed, "n2's line client to be disconnected");
    expect((await within(w2.client.closed, "n2's WebSocket client to be closed")).reason).toMatch(
      why,
    );
    await i2.waitFor((line) => line.startsWith('ERROR :') && why.test(line), DEADLINE_MS);
    await within(i2.closed, "n2's IRC client to be disconnected");

    // A new client can register on n2 once it holds a lease again.
    const fresh = await poll(
      'a new client to register on n2',
      async () => {
        const client = await LineClient.connect(n2.ports.line);
        client.send('fresh2');
        const answer = await client.waitFor(
          (line) => line === '*** Now talking in #lobby' || line.startsWith('!!! '),
          DEADLINE_MS,
        );
        if (answer === '*** Now talking in #lobby') return client;
        client.socket.destroy();
        return undefined;
      },
      { timeoutMs: DEADLINE_MS, everyMs: 200 },
    );
    const i2fresh = await IrcClient.register(n2.ports.irc, 'i2fresh');
    await i2fresh.join('#lobby');
    // Anything n2 published on waking went out before this, on the same connection.
    fresh.send('fresh2 here');
    const heard = /<fresh2> fresh2 here$/;
    await Promise.all([
      l1.client.waitFor(heard, DEADLINE_MS),
      l3.client.waitFor(heard, DEADLINE_MS),
      l2elsewhere.client.waitFor(heard, DEADLINE_MS),
      w2elsewhere.client.waitFor({ type: 'message', text: 'fresh2 here' }, DEADLINE_MS),
      i1.waitFor(/ PRIVMSG #lobby :fresh2 here$/, DEADLINE_MS),
      i3.waitFor(/ PRIVMSG #lobby :fresh2 here$/, DEADLINE_MS),
    ]);

    // Each of n2's users quit once: the users now holding two of those nicknames were not
    // said to leave when n2 dropped its own clients.
    for (const nick of ['l2', 'w2', 'i2']) {
      for (const chatter of [l1, l3]) {
        const quits = chatter.client.received.filter((line) => line.startsWith(`*** ${nick} left`));
        expect(quits, `${chatter.nick} heard ${nick} leave`).toEqual([`*** ${quit(nick)}`]);
      }
      for (const irc of [i1, i3]) {
        const quits = irc.received.filter(
          (line) => line.startsWith(`:${nick}!`) && / QUIT /.test(line),
        );
        expect(quits, `an IRC user heard ${nick} quit`).toHaveLength(1);
        expect(quits[0]).toMatch(ircQuit(nick));
      }
    }
    expect(w2elsewhere.client.received.filter((m) => m.type === 'quit')).toEqual([]);

    // No ghosts: every node lists the same users, and none of n2's old ones but the two
    // nicknames taken again elsewhere.
    const everyone = ['fresh2', 'i1', 'i2fresh', 'i3', 'l1', 'l2', 'l3', 'w2'];
    for (const irc of [i1, i2fresh, i3]) expect(await ircNames(irc)).toEqual(everyone);
    expect(await lineWho(l1)).toEqual(everyone);
    expect(await lineWho(l2elsewhere)).toEqual(everyone);
  }, 90_000);
});

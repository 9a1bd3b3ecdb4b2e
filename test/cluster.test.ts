import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { hostCloak } from '../src/net/cloak.js';
import { startCluster, type TestCluster } from './cluster-nodes.js';
import { escapeRegExp, FramedClient, IrcClient, LineClient } from './helpers.js';
import { requireBuiltCli } from './spawned.js';
import { poll } from './wait.js';
import { WsClient } from './ws-client.js';

/** The shared Redis (CI starts it); each cluster has a key prefix of its own. */
const REDIS_URL = process.env.CHATROOM_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Every test message carries a token like this, so each client's sequence can be read. */
const TOKEN = /\bm-[a-z]+-(?:lobby|dev)-\d+\b/g;

requireBuiltCli();

/** Any of the doors' clients, as far as this test needs: say, and the tokens seen so far. */
interface Speaker {
  nick: string;
  say(room: '#lobby' | '#dev', text: string): void;
  tokens(): string[];
}

function tokensIn(texts: Iterable<string>): string[] {
  const found: string[] = [];
  for (const text of texts) found.push(...(text.match(TOKEN) ?? []));
  return found;
}

async function lineSpeaker(port: number, nick: string): Promise<Speaker> {
  const client = await LineClient.join(port, nick);
  return {
    nick,
    say: (_room, text) => client.send(text),
    tokens: () => tokensIn(client.received),
  };
}

async function framedSpeaker(port: number, nick: string): Promise<Speaker> {
  const client = await FramedClient.connect(port);
  client.send(nick);
  await client.waitFor('*', /Now talking in #lobby/);
  return {
    nick,
    say: (_room, text) => client.send(text),
    tokens: () => tokensIn(client.received.map((pair) => pair.text)),
  };
}

async function ircSpeaker(port: number, nick: string, rooms: string[]): Promise<Speaker> {
  const client = await IrcClient.register(port, nick);
  for (const room of rooms) await client.join(room);
  return {
    nick,
    say: (room, text) => client.send(`PRIVMSG ${room} :${text}`),
    tokens: () => tokensIn(client.received.filter((line) => / PRIVMSG #/.test(line))),
  };
}

async function wsSpeaker(port: number, nick: string, rooms: string[]): Promise<Speaker> {
  const client = await WsClient.join(port, nick);
  for (const room of rooms) {
    client.send({ type: 'join', room });
    await client.waitFor({ type: 'current-room', room });
  }
  return {
    nick,
    say: (room, text) => client.send({ type: 'send', to: room, text }),
    tokens: () =>
      tokensIn(
        client.received.flatMap((message) => (message.type === 'message' ? [message.text] : [])),
      ),
  };
}

/** The room's message texts in id order, as PostgreSQL has them. */
async function storedTokens(cluster: TestCluster, room: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: cluster.databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ body: string }>(
      'SELECT body FROM messages WHERE target = $1 ORDER BY id',
      [room],
    );
    return tokensIn(rows.map((row) => row.body));
  } finally {
    await client.end();
  }
}

describe('three nodes, one chat', () => {
  it('ten clients on three nodes, through all four doors, see every message of two rooms exactly once and in the same order', async () => {
    const cluster = await startCluster(REDIS_URL, 3);
    const [n1, n2, n3] = cluster.nodes.map((node) => node.ports);
    const lobbyOnly: Speaker[] = [
      await lineSpeaker(n1!.line, 'ann'),
      await framedSpeaker(n2!.framed, 'ben'),
      await lineSpeaker(n3!.line, 'cid'),
    ];
    const both: Speaker[] = [
      await ircSpeaker(n1!.irc, 'dot', ['#lobby', '#dev']),
      await wsSpeaker(n1!.http, 'eve', ['#dev']),
      await ircSpeaker(n2!.irc, 'fay', ['#lobby', '#dev']),
      await wsSpeaker(n2!.http, 'gus', ['#dev']),
      await ircSpeaker(n3!.irc, 'hal', ['#lobby', '#dev']),
      await wsSpeaker(n3!.http, 'ivy', ['#dev']),
      await framedSpeaker(n3!.framed, 'jay'),
    ];
    const everyone = [...lobbyOnly, ...both];
    // Interleaved, so that the nodes store into each room at once and ids cross.
    for (let round = 0; round < 5; round++) {
      for (const speaker of everyone) {
        speaker.say('#lobby', `m-${speaker.nick}-lobby-${round}`);
        if (both.includes(speaker) && speaker.nick !== 'jay') {
          speaker.say('#dev', `m-${speaker.nick}-dev-${round}`);
        }
      }
    }
    let last: string[] = [];
    const stored = async (room: string, count: number) =>
      poll(
        `${count} messages stored in ${room}`,
        async () => {
          const tokens = await storedTokens(cluster, room);
          last = tokens;
          return tokens.length === count ? tokens : undefined;
        },
        { timeoutMs: 20_000, everyMs: 200, seen: () => last.join(' ') },
      );
    const lobby = await stored('#lobby', 50);
    const dev = await stored('#dev', 30);
    const inDev = new Set(['dot', 'eve', 'fay', 'gus', 'hal', 'ivy']);
    for (const speaker of everyone) {
      // Each sees everyone else's messages (its own are not echoed), in the stored order.
      const expected = [
        ...lobby.filter((token) => !token.startsWith(`m-${speaker.nick}-`)),
        ...(inDev.has(speaker.nick) ? dev : []).filter(
          (token) => !token.startsWith(`m-${speaker.nick}-`),
        ),
      ];
      // On timeout the comparison below says what is missing.
      await poll(
        `${speaker.nick}'s messages`,
        () => speaker.tokens().length >= expected.length || undefined,
        { timeoutMs: 20_000 },
      ).catch(() => undefined);
      const seen = speaker.tokens();
      const seenLobby = seen.filter((token) => token.includes('-lobby-'));
      const seenDev = seen.filter((token) => token.includes('-dev-'));
      expect({ nick: speaker.nick, lobby: seenLobby }).toEqual({
        nick: speaker.nick,
        lobby: lobby.filter((token) => !token.startsWith(`m-${speaker.nick}-`)),
      });
      expect({ nick: speaker.nick, dev: seenDev }).toEqual({
        nick: speaker.nick,
        dev: inDev.has(speaker.nick)
          ? dev.filter((token) => !token.startsWith(`m-${speaker.nick}-`))
          : [],
      });
    }
  }, 90_000);

  it('two clients racing for one nickname on two nodes: exactly one wins, every time', async () => {
    const cluster = await startCluster(REDIS_URL, 2);
    const [n1, n2] = cluster.nodes.map((node) => node.ports);
    for (let round = 0; round < 8; round++) {
      const nick = `racer${round}`;
      const [web, irc] = await Promise.all([
        WsClient.connect(n1!.http),
        IrcClient.connect(n2!.irc),
      ]);
      web.send({ type: 'hello', nick });
      irc.send(`NICK ${nick}`);
      irc.send(`USER ${nick} 0 * :racer`);
      const webOutcome = web
        .waitFor(
          (message) =>
            message.type === 'welcome' ||
            (message.type === 'error' && message.code === 'NICK_TAKEN'),
          10_000,
        )
        .then((message) => message.type === 'welcome');
      const ircOutcome = irc.waitFor(/^:\S+ (001|433) /, 10_000).then((line) => / 001 /.test(line));
      const wins = [await webOutcome, await ircOutcome].filter(Boolean).length;
      expect(wins, `round ${round}`).toBe(1);
      web.ws.terminate();
      irc.socket.destroy();
    }
  }, 60_000);

  it('who is where: NAMES, WHO, WHOIS, /who, room counts, private messages, nick changes and topics cross nodes', async () => {
    // One cloak key for every node (their store keeps none yet): one host per address.
    const secret = 'the cluster cloak secret';
    const cloak = hostCloak(secret)('127.0.0.1');
    const cluster = await startCluster(REDIS_URL, 3, ['--cloak-secret', secret]);
    const [n1, n2, n3] = cluster.nodes.map((node) => node.ports);
    const lineKim = await LineClient.join(n1!.line, 'kim2');
    const leo = await IrcClient.register(n2!.irc, 'leo');
    await leo.join('#lobby');
    const mia = await WsClient.join(n3!.http, 'mia');

    // NAMES and WHO on node 2 list the users of nodes 1 and 3.
    await poll(
      'kim2 and mia in NAMES on node 2',
      async () => {
        leo.send('NAMES #lobby');
        const names = await leo.waitFor(/ 353 leo = #lobby :/);
        return /\bkim2\b/.test(names) && /\bmia\b/.test(names) ? names : undefined;
      },
      { timeoutMs: 10_000 },
    );
    // With the user name and host their own node gave them.
    leo.send('WHOIS mia');
    await leo.waitFor(new RegExp(`^:\\S+ 311 leo mia ~ws ${cloak} \\* :ws user$`));
    await leo.waitFor(/ 319 leo mia :.*#lobby/);
    leo.send('WHO kim2');
    await leo.waitFor(new RegExp(`^:\\S+ 352 leo \\* ~line ${cloak} \\S+ kim2 H :0 line user$`));

    // /who on node 1 counts everyone in #lobby, wherever they are.
    lineKim.send('/who');
    await lineKim.waitFor(
      (line) => line.startsWith('*** #lobby has') && /\bleo\b/.test(line) && /\bmia\b/.test(line),
    );

    // Private messages reach a nickname on another node, both ways.
    mia.send({ type: 'send', to: 'leo', text: 'psst leo' });
    await leo.waitFor(`:mia!~ws@${cloak} PRIVMSG leo :psst leo`);
    leo.send('PRIVMSG kim2 :hello kim2');
    await lineKim.waitFor('*leo* hello kim2');

    // A room made on node 3 exists on node 1, and a topic set on node 2 is seen on node 3.
    mia.send({ type: 'join', room: '#made-on-3' });
    await mia.waitFor({ type: 'current-room', room: '#made-on-3' });
    const webOn1 = await WsClient.join(n1!.http, 'nia');
    await poll(
      '#made-on-3 listed on node 1',
      async () => {
        webOn1.send({ type: 'rooms' });
        const list = await webOn1.waitForType('room-list');
        return list.rooms.find((room) => room.name === '#made-on-3');
      },
      { timeoutMs: 10_000 },
    ).then((room) => expect(room).toMatchObject({ members: 1, createdBy: 'mia' }));
    leo.send('TOPIC #lobby :set on node two');
    await mia.waitFor({ type: 'topic', room: '#lobby', nick: 'leo', topic: 'set on node two' });

    // A nick change on node 2 reaches node 1's line users.
    leo.send('NICK leon');
    await lineKim.waitFor('*** leo is now known as leon');
    mia.send({ type: 'send', to: 'leon', text: 'found you' });
    await leo.waitFor(/:mia!\S+ PRIVMSG leon :found you$/);

    // And a quit: gone from node 1's list.
    leo.send('QUIT :bye');
    await lineKim.waitFor('*** leon left the chat (bye)');
    await mia.waitFor({ type: 'quit', nick: 'leon' });

    // WHOWAS on node 1 remembers who leo was, and that leon was leo before.
    const ian = await IrcClient.register(n1!.irc, 'ian');
    ian.send('WHOWAS leon');
    await ian.waitFor(new RegExp(`^:\\S+ 314 ian leon ~leo ${cloak} \\* :leo the tester$`));
    ian.send('WHOWAS leo');
    await ian.waitFor(new RegExp(`^:\\S+ 314 ian leo ~leo ${cloak} \\* :leo the tester$`));
  }, 60_000);

  it("carries IRC clients' tags between nodes: on messages, and TAGMSG", async () => {
    const secret = 'the cluster cloak secret';
    const cloak = hostCloak(secret)('127.0.0.1');
    const cluster = await startCluster(REDIS_URL, 2, ['--cloak-secret', secret]);
    const [n1, n2] = cluster.nodes.map((node) => node.ports);
    const one = await IrcClient.register(n1!.irc, 'tagone', ['message-tags']);
    const two = await IrcClient.register(n2!.irc, 'tagtwo', ['message-tags']);
    await one.join('#tags');
    await two.join('#tags');
    await poll(
      'tagtwo in #tags on node 1',
      async () => {
        one.send('NAMES #tags');
        const names = await one.waitFor(/ 353 tagone = #tags :/);
        return /\btagtwo\b/.test(names) ? names : undefined;
      },
      { timeoutMs: 10_000 },
    );
    one.send('@+draft/reply=#tags/0;+x=a\\sb PRIVMSG #tags :tagged across');
    await two.waitFor(
      `@msgid=#tags/1;+draft/reply=#tags/0;+x=a\\sb :tagone!~tagone@${cloak} PRIVMSG #tags :tagged across`,
    );
    // A TAGMSG's msgid is made by the sender's node and travels with it.
    const tagmsg = (value: string, target: string) =>
      new RegExp(
        `^@msgid=[\\w-]{16};\\+typing=${value} :tagtwo!~tagtwo@${escapeRegExp(cloak)} TAGMSG ${target}$`,
      );
    two.send('@+typing=active TAGMSG #tags');
    await one.waitFor(tagmsg('active', '#tags'));
    two.send('@+typing=paused TAGMSG tagone');
    await one.waitFor(tagmsg('paused', 'tagone'));
  }, 30_000);
});

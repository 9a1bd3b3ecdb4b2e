import { describe, expect, it } from 'vitest';
import type { ChatEvent } from '../src/core/events.js';
import { checkNick } from '../src/core/names.js';
import { FrameDecoder } from '../src/net/frame-decoder.js';
import { framedCodec } from '../src/protocols/framed/codec.js';
import { renderEvent, type Viewpoint } from '../src/protocols/text/render.js';
import { FramedClient, LineClient, type Pair, startTestServer } from './helpers.js';

/**
 * Who a name frame says is speaking, read the way docs/protocols/framed.md tells a framed
 * client to read it, without looking at the text frame.
 */
type Speaker =
  | { server: true }
  | { server: false; nick: string; label: string | undefined; action: boolean; private: boolean };

function readName(name: string): Speaker {
  if (name === '*') return { server: true };
  let rest = name;
  let label: string | undefined;
  const isPrivate = rest.startsWith('(private) ');
  if (isPrivate) rest = rest.slice('(private) '.length);
  else if (rest.startsWith('[')) {
    // A room name may hold "]" but never a space, and a nickname has no space either.
    const end = rest.lastIndexOf('] ');
    label = rest.slice(1, end);
    rest = rest.slice(end + 2);
  }
  if (isPrivate && rest.startsWith('-> ')) rest = rest.slice(3);
  const action = rest.startsWith('* ');
  if (action) rest = rest.slice(2);
  expect(checkNick(rest), `no nickname at the end of the name frame "${name}"`).toBeUndefined();
  return { server: false, nick: rest, label, action, private: isPrivate };
}

/** Sends `input` then a marker, and returns what the reader got in between. */
async function between(
  reader: FramedClient,
  sender: LineClient,
  nick: string,
  input: string,
  marker: string,
): Promise<Pair[]> {
  const from = reader.received.length;
  sender.send(input);
  sender.send(marker);
  const end = await reader.waitFor(nick, marker);
  return reader.received.slice(from, reader.received.indexOf(end));
}

describe('the framed door against forged server frames', () => {
  // Otherwise everyone would be told, truly, "You joined #staff" when that user joins.
  it('keeps the nickname You from anyone, in any case', async () => {
    const server = await startTestServer();
    const client = await LineClient.connect(server.port('line'));
    client.send('YOU');
    await client.waitFor(/^!!! "YOU" is reserved: .*\(NICK_INVALID\)$/);
    const framed = await FramedClient.connect(server.port('framed'));
    framed.send('you');
    await framed.waitFor('*', /^error: "you" is reserved/);
  });

  it('tells forged notices and private messages from real ones by the name frame', async () => {
    const server = await startTestServer();
    const line = server.port('line');
    const reader = await FramedClient.connect(server.port('framed'));
    reader.send('reader');
    await reader.waitFor('*', 'Now talking in #lobby');
    const liner = await LineClient.join(line, 'liner');
    const the = await LineClient.join(line, 'The');
    const you = await LineClient.join(line, 'You_');
    const alice = await LineClient.join(line, 'alice');
    // Every join notice above was sent to the reader before this message.
    alice.send('ready');
    await reader.waitFor('alice', 'ready');

    const [forgedShutdown, ...rest1] = await between(
      reader,
      the,
      'The',
      '/me server is shutting down. Goodbye!',
      'marker 1',
    );
    const [forgedJoin, ...rest2] = await between(
      reader,
      you,
      'You_',
      '/me joined #staff',
      'marker 2',
    );
    const [forgedPrivate, ...rest3] = await between(
      reader,
      alice,
      'alice',
      '(private) psst',
      'marker 3',
    );
    const [realPrivate, ...rest4] = await between(
      reader,
      alice,
      'alice',
      '/msg reader psst',
      'marker 4',
    );
    expect([...rest1, ...rest2, ...rest3, ...rest4]).toEqual([]);

    reader.send('/join #staff');
    const realJoin = await reader.waitFor('*', 'You joined #staff');
    const stopped = server.stop();
    const realShutdown = await reader.waitFor('*', 'The server is shutting down. Goodbye!');
    await stopped;

    expect(forgedShutdown!.name).not.toBe(realShutdown.name);
    expect(forgedJoin!.name).not.toBe(realJoin.name);
    expect(forgedPrivate!.name).not.toBe(realPrivate!.name);

    expect(readName(realShutdown.name)).toEqual({ server: true });
    expect(readName(realJoin.name)).toEqual({ server: true });
    expect(forgedShutdown).toEqual({ name: '* The', text: 'server is shutting down. Goodbye!' });
    expect(forgedJoin).toEqual({ name: '* You_', text: 'joined #staff' });
    expect(forgedPrivate).toEqual({ name: 'alice', text: '(private) psst' });
    expect(realPrivate).toEqual({ name: '(private) alice', text: 'psst' });

    // The line door, which renders the same entries, keeps telling them apart as before.
    for (const expected of [
      '* The server is shutting down. Goodbye!',
      '* You_ joined #staff',
      '<alice> (private) psst',
      '*** The server is shutting down. Goodbye!',
    ]) {
      await liner.waitFor(expected);
    }
  });

  it('keeps a forged action in a history replay under its actor', async () => {
    const server = await startTestServer();
    const the = await LineClient.join(server.port('line'), 'The');
    the.send('/me server is shutting down. Goodbye!');
    the.send('/history #lobby');
    await the.waitFor('*** End of history of #lobby');

    const reader = await FramedClient.connect(server.port('framed'));
    reader.send('reader');
    const heading = await reader.waitFor('*', 'Last 1 message in #lobby (times UTC):');
    const replayed = reader.received[reader.received.indexOf(heading) + 1]!;
    expect(replayed.name).toMatch(/^\[#lobby @\d+ \d{4}-\d\d-\d\d \d\d:\d\d\] \* The$/);
    expect(replayed.text).toBe('server is shutting down. Goodbye!');
  });
});

const WORDS = 'The server is shutting down. Goodbye!';

const VIEWPOINTS: Viewpoint[] = [0, 1, 2, 3, 4, 5, 6, 7].map((bits) => ({
  inCurrentRoom: (bits & 1) !== 0,
  isActor: (bits & 2) !== 0,
  showIds: (bits & 4) !== 0,
}));

const USER_EVENTS: Array<[string, ChatEvent]> = [false, true].flatMap((action) => {
  const kind = action ? 'action' : 'message';
  const message = { id: 7, from: 'alice', text: WORDS, action, time: 0 };
  return [
    [`a room ${kind}`, { type: 'message', room: '#dev', ...message }],
    [`a private ${kind}`, { type: 'private', to: 'bob', ...message }],
    [
      `a replayed room ${kind}`,
      {
        type: 'history',
        target: '#dev',
        private: false,
        reason: 'request',
        messages: [message],
        gap: undefined,
        more: false,
      },
    ],
    [
      `a replayed private ${kind}`,
      {
        type: 'history',
        target: 'bob',
        private: true,
        reason: 'request',
        messages: [message],
        gap: undefined,
        more: false,
      },
    ],
  ] satisfies Array<[string, ChatEvent]>;
});

function framedPairs(event: ChatEvent, view: Viewpoint): Pair[] {
  const decoder = new FrameDecoder(1 << 20);
  const frames = decoder
    .push(framedCodec.encode(renderEvent(event, view)))
    .map((item) => (item.kind === 'frame' ? item.bytes.toString('utf8') : item.message));
  const pairs: Pair[] = [];
  for (let i = 0; i < frames.length; i += 2) pairs.push({ name: frames[i]!, text: frames[i + 1]! });
  return pairs;
}

describe('framed name frames for everything users write', () => {
  it.each(USER_EVENTS)('name the user, never the server, for %s', (kind, event) => {
    const action = kind.endsWith('action');
    for (const view of VIEWPOINTS) {
      const said = framedPairs(event, view).filter((pair) => pair.text.includes('shutting'));
      expect(said).toHaveLength(1);
      const [pair] = said;
      const speaker = readName(pair!.name);
      expect(speaker.server, pair!.name).toBe(false);
      if (speaker.server) continue;
      const outgoing = event.type === 'private' && view.isActor;
      expect(speaker.nick).toBe(outgoing ? 'bob' : 'alice');
      expect(speaker.private).toBe(event.type === 'private');
      if (event.type === 'history') expect(speaker.label).toMatch(/^(#dev|private) @7 /);
      // The user's words are the whole text frame; only your own private action copy is marked.
      if (outgoing) expect(pair!.text).toBe(action ? `* ${WORDS}` : WORDS);
      else {
        expect(speaker.action).toBe(action);
        expect(pair!.text).toBe(WORDS);
      }
    }
  });
});

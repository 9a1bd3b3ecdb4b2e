import { describe, expect, it } from 'vitest';
import type { StoreConfig } from '../src/server.js';
import { LineClient, startTestServer, tempDir } from './helpers.js';
import { freshSchema, TEST_DATABASE_URL } from './stores.js';

const HISTORY_LINE = /^\[(#\S+|private) @(\d+) \d{4}-\d\d-\d\d \d\d:\d\d\] (.*)$/;
const LIVE_WITH_ID = /^\[(?:(#\S+) )?@(\d+)\] (.*)$/;

/** Ids of the messages a client was shown for a room, live or replayed, in the order shown. */
function shownIds(client: LineClient, room: string, currentRoom: string): number[] {
  const ids: number[] = [];
  for (const line of client.received) {
    const history = HISTORY_LINE.exec(line);
    if (history && history[1] === room) ids.push(Number(history[2]));
    const live = LIVE_WITH_ID.exec(line);
    if (live && (live[1] ?? currentRoom) === room) ids.push(Number(live[2]));
  }
  return ids;
}

async function joinWithIds(port: number, nick: string): Promise<LineClient> {
  const client = await LineClient.join(port, nick);
  client.send('/ids on');
  await client.waitFor('*** Message ids are on.');
  return client;
}

const BACKENDS: Array<{ name: string; store: () => StoreConfig }> = [
  {
    name: 'sqlite',
    store: () => ({ kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' }),
  },
  {
    name: 'postgres',
    store: () => ({ kind: 'postgres', url: TEST_DATABASE_URL, schema: freshSchema() }),
  },
];

describe.each(BACKENDS)('history on $name', (backend) => {
  it('replays the latest messages to a joiner, marked as history, then goes live', async () => {
    const server = await startTestServer({ store: backend.store(), historyOnJoin: 2 });
    const alice = await joinWithIds(server.port('line'), 'alice');
    alice.send('/join #dev');
    await alice.waitFor('*** Now talking in #dev');
    for (const text of ['first', 'second', 'third']) alice.send(text);
    await alice.waitFor('*** Sent @3 to #dev');

    const bob = await LineClient.join(server.port('line'), 'bob');
    bob.send('/join #dev');
    await bob.waitFor('*** Last 2 messages in #dev (times UTC):');
    expect((await bob.waitFor(HISTORY_LINE)).endsWith('] <alice> second')).toBe(true);
    expect((await bob.waitFor(HISTORY_LINE)).endsWith('] <alice> third')).toBe(true);
    await bob.waitFor('*** End of history of #dev');
    alice.send('live now');
    await bob.waitFor('<alice> live now');
    expect(bob.sawLine(/first/)).toBe(false);
  });

  it('shows nothing twice and misses nothing between the replay and the live stream', async () => {
    const server = await startTestServer({ store: backend.store(), historyOnJoin: 10 });
    const alice = await joinWithIds(server.port('line'), 'alice');
    alice.send('/join #busy');
    await alice.waitFor('*** Now talking in #busy');
    const total = 300;
    for (let i = 1; i <= total; i++) alice.send(`burst ${i}`);
    // bob joins while the burst is being stored and delivered.
    await alice.waitFor('*** Sent @20 to #busy');
    const bob = await joinWithIds(server.port('line'), 'bob');
    bob.send('/join #busy');
    await bob.waitFor(`[@${total}] <alice> burst ${total}`, 15_000);
    const ids = shownIds(bob, '#busy', '#busy');
    expect(ids.length).toBeGreaterThan(0);
    expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
    expect(ids.at(-1)).toBe(total);
  });

  it('pages back with /history and finds words with /search', async () => {
    const server = await startTestServer({ store: backend.store() });
    const alice = await joinWithIds(server.port('line'), 'alice');
    for (let i = 1; i <= 30; i++) alice.send(i === 7 ? 'the deploy is on Friday' : `message ${i}`);
    await alice.waitFor('*** Sent @30 to #lobby');

    alice.send('/history 3');
    await alice.waitFor('*** History of #lobby: 3 messages (times UTC):');
    for (const n of [28, 29, 30]) {
      expect(await alice.waitFor(HISTORY_LINE)).toMatch(
        new RegExp(`@${n} .*<alice> message ${n}$`),
      );
    }
    await alice.waitFor('*** End of history of #lobby (more: /history #lobby before 28)');

    alice.send('/history #lobby before 9 2');
    expect(await alice.waitFor(HISTORY_LINE)).toMatch(/@7 .*<alice> the deploy is on Friday$/);
    expect(await alice.waitFor(HISTORY_LINE)).toMatch(/@8 .*<alice> message 8$/);

    alice.send('/history before 2');
    expect(await alice.waitFor(HISTORY_LINE)).toMatch(/@1 .*message 1$/);
    await alice.waitFor('*** End of history of #lobby');

    alice.send('/search FRIDAY deploy');
    await alice.waitFor('*** Found in #lobby: 1 message (times UTC):');
    expect(await alice.waitFor(HISTORY_LINE)).toMatch(/@7 .*the deploy is on Friday$/);
    alice.send('/search "unbalanced AND (');
    await alice.waitFor('*** Nothing found in #lobby');
    alice.send('/history nonsense words here');
    await alice.waitFor(/\(BAD_ARGUMENTS\)$/);
  });

  it('resumes after a reconnect with exactly the missed messages, once, in order', async () => {
    const server = await startTestServer({ store: backend.store() });
    const alice = await joinWithIds(server.port('line'), 'alice');
    alice.send('/join #dev');
    const bob = await joinWithIds(server.port('line'), 'bob');
    bob.send('/join #dev');
    await alice.waitFor('*** bob joined #dev');
    alice.send('before the drop');
    await bob.waitFor('[@1] <alice> before the drop');
    bob.socket.destroy();
    await alice.waitFor(/^\*\*\* bob left the chat/);

    for (let i = 1; i <= 5; i++) alice.send(`missed ${i}`);
    await alice.waitFor('*** Sent @6 to #dev');
    const back = await joinWithIds(server.port('line'), 'bob');
    // Live messages keep coming while bob resumes; they must follow the replay, not mix in.
    for (let i = 1; i <= 20; i++) alice.send(`during ${i}`);
    back.send('/resume #dev 1');
    await back.waitFor('*** Missed in #dev: 5 messages (times UTC):');
    await back.waitFor('*** End of history of #dev');
    await back.waitFor(/<alice> during 20$/, 10_000);
    const ids = shownIds(back, '#dev', '#dev');
    expect(ids).toEqual(Array.from({ length: 25 }, (_, i) => i + 2));
    expect(back.sawLine(/before the drop/)).toBe(false);

    back.send('/resume #dev 26');
    await back.waitFor('*** Nothing missed in #dev');
  });

  it('says so when retention dropped some of what a client asks to resume', async () => {
    const server = await startTestServer({ store: backend.store() });
    const alice = await joinWithIds(server.port('line'), 'alice');
    for (let i = 1; i <= 10; i++) alice.send(`old ${i}`);
    await alice.waitFor('*** Sent @10 to #lobby');
    await server.chat.flush();
    expect(await server.store.prune({ maxPerTarget: 3 })).toBe(7);
    alice.send('/resume #lobby 2');
    await alice.waitFor('*** Messages @3 to @7 of #lobby are no longer kept');
    await alice.waitFor('*** Missed in #lobby: 3 messages (times UTC):');
    expect(await alice.waitFor(HISTORY_LINE)).toMatch(/@8 .*old 8$/);
  });

  it('keeps private conversations, readable only by the two people in them', async () => {
    const server = await startTestServer({ store: backend.store() });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = await LineClient.join(server.port('line'), 'carol');
    alice.send('/msg bob psst, the code is 1234');
    await bob.waitFor('*alice* psst, the code is 1234');
    bob.send('/msg alice got it');
    await alice.waitFor('*bob* got it');
    bob.send('/history alice');
    await bob.waitFor('*** History of your conversation with alice: 2 messages (times UTC):');
    expect(await bob.waitFor(HISTORY_LINE)).toMatch(
      /^\[private @1 .*<alice> psst, the code is 1234$/,
    );
    expect(await bob.waitFor(HISTORY_LINE)).toMatch(/^\[private @2 .*<bob> got it$/);
    carol.send('/history alice');
    await carol.waitFor('*** No messages in your conversation with alice');

    // Nicknames are not accounts: whoever takes "bob" next does not inherit bob's secrets.
    bob.send('/quit');
    await alice.waitFor(/^\*\*\* bob left the chat/);
    const impostor = await LineClient.join(server.port('line'), 'bob');
    impostor.send('/history alice');
    await impostor.waitFor('*** No messages in your conversation with alice');
    expect(impostor.sawLine(/1234/)).toBe(false);
    // Nor does someone who was already connected and switches to the freed nickname.
    impostor.send('/quit');
    await impostor.closed;
    await alice.waitFor(/^\*\*\* bob left the chat/);
    carol.send('/nick bob');
    await carol.waitFor('*** You are now known as bob');
    carol.send('/history alice');
    await carol.waitFor('*** No messages in your conversation with alice');
  });

  it('keeps rooms, topics and messages across a restart', async () => {
    const store = backend.store();
    const first = await startTestServer({ store });
    const alice = await joinWithIds(first.port('line'), 'alice');
    alice.send('/join #Dev');
    alice.send('/topic Ship it');
    await alice.waitFor('*** You set the topic of #Dev to: Ship it');
    alice.send('remember me');
    await alice.waitFor('*** Sent @1 to #Dev');
    await first.stop();

    const second = await startTestServer({ store });
    const bob = await LineClient.join(second.port('line'), 'bob');
    bob.send('/rooms');
    await bob.waitFor('***   #Dev (0 members, created by alice): Ship it');
    bob.send('/join #dev');
    await bob.waitFor('*** Topic of #Dev: Ship it (set by alice)');
    await bob.waitFor(/^\[#Dev @1 .*\] <alice> remember me$/);
    bob.send('/ids on');
    bob.send('after the restart');
    await bob.waitFor('*** Sent @2 to #Dev');
  });
});

describe('retention', () => {
  it('prunes in the background by count per room, keeping ids', async () => {
    const store: StoreConfig = { kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' };
    const first = await startTestServer({ store });
    const alice = await joinWithIds(first.port('line'), 'alice');
    for (let i = 1; i <= 8; i++) alice.send(`note ${i}`);
    await alice.waitFor('*** Sent @8 to #lobby');
    await first.stop();

    const second = await startTestServer({
      store,
      retention: { days: 0, maxPerRoom: 3, intervalMs: 60_000 },
    });
    await expect.poll(async () => (await second.store.latest('#lobby', 100)).length).toBe(3);
    const bob = await joinWithIds(second.port('line'), 'bob');
    bob.send('/history 10');
    await bob.waitFor('*** History of #lobby: 3 messages (times UTC):');
    expect(await bob.waitFor(HISTORY_LINE)).toMatch(/@6 .*note 6$/);
  });
});

describe('when storing fails', () => {
  it('tells the sender and relays nothing', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    alice.send('stored fine');
    await bob.waitFor('<alice> stored fine');
    await server.store.close();
    alice.send('this cannot be stored');
    await alice.waitFor(
      '!!! Your message could not be stored, so nobody received it. Try again shortly. (STORE_FAILED)',
    );
    alice.send('/msg bob nor this');
    await alice.waitFor(/\(STORE_FAILED\)$/);
    bob.send('/who');
    await bob.waitFor(/^\*\*\* #lobby has 2 members/);
    expect(bob.sawLine(/cannot be stored|nor this/)).toBe(false);
  });
});

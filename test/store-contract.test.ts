import { describe, expect, it } from 'vitest';
import { type NewMessage, REF_WINDOW_MS, type RoomRecord } from '../src/core/history.js';
import { STORE_FACTORIES } from './stores.js';

function message(target: string, text: string, time = 1_000, sender = 'alice'): NewMessage {
  return { target, sender, text, action: false, time };
}

function roomRecord(key: string, fields: Partial<RoomRecord> = {}): RoomRecord {
  return {
    key,
    name: key,
    topic: '',
    topicSetBy: undefined,
    topicSetAt: undefined,
    createdBy: 'alice',
    createdAt: 1,
    ...fields,
  };
}

// One suite, every backend: they must be interchangeable.
describe.each(STORE_FACTORIES)('$name history store', (factory) => {
  it('assigns ids that increase by one per target, in order', async () => {
    const { store } = await factory.create();
    const stored = await store.append([
      message('#a', 'one'),
      message('#b', 'uno'),
      message('#a', 'two'),
    ]);
    expect(stored.map((m) => [m.target, m.id, m.text])).toEqual([
      ['#a', 1, 'one'],
      ['#b', 1, 'uno'],
      ['#a', 2, 'two'],
    ]);
    const more = await store.append([message('#a', 'three')]);
    expect(more[0]!.id).toBe(3);
  });

  it('gives unique ids to batches appended at the same time', async () => {
    const { store } = await factory.create();
    const batches = await Promise.all(
      Array.from({ length: 8 }, (_, b) =>
        store.append(Array.from({ length: 5 }, (_, i) => message('#race', `b${b} m${i}`))),
      ),
    );
    const ids = batches.flat().map((m) => m.id);
    expect(new Set(ids).size).toBe(40);
    expect(Math.max(...ids)).toBe(40);
    for (const batch of batches) {
      expect(batch.map((m) => m.id)).toEqual(batch.map((_, i) => batch[0]!.id + i));
    }
  });

  it('stores a large mixed batch whole: every row readable and searchable', async () => {
    const { store } = await factory.create();
    // 151 rows: a backend that inserts in chunks meets every chunk size and a remainder.
    const batch = Array.from({ length: 151 }, (_, i) =>
      message(i % 3 === 0 ? '#big' : '#other', `row${i} needle${i % 7}`, 1000 + i, `u${i % 5}`),
    );
    const stored = await store.append(batch);
    expect(stored.map((m) => m.text)).toEqual(batch.map((m) => m.text));
    const big = await store.latest('#big', 100);
    expect(big.map((m) => m.text)).toEqual(batch.filter((_, i) => i % 3 === 0).map((m) => m.text));
    expect(big.map((m) => m.id)).toEqual(big.map((_, i) => i + 1));
    expect(big.at(-1)).toMatchObject({ sender: 'u0', time: 1150 });
    const found = await store.search('#other', 'needle3', 200);
    expect(found.map((m) => m.text).sort()).toEqual(
      batch
        .filter((m, i) => m.target === '#other' && i % 7 === 3)
        .map((m) => m.text)
        .sort(),
    );
  });
  it('reads back the latest, before and after an id, oldest first', async () => {
    const { store } = await factory.create();
    await store.append(Array.from({ length: 10 }, (_, i) => message('#r', `m${i + 1}`, 1000 + i)));
    await store.append([message('#other', 'elsewhere')]);
    const texts = (list: { text: string }[]) => list.map((m) => m.text);
    expect(texts(await store.latest('#r', 3))).toEqual(['m8', 'm9', 'm10']);
    expect(texts(await store.latest('#r', 50))).toHaveLength(10);
    expect(texts(await store.before('#r', 5, 2))).toEqual(['m3', 'm4']);
    expect(texts(await store.before('#r', 2, 5))).toEqual(['m1']);
    expect(texts(await store.after('#r', 7, 10))).toEqual(['m8', 'm9', 'm10']);
    expect(texts(await store.after('#r', 0, 2))).toEqual(['m1', 'm2']);
    expect(await store.after('#r', 10, 5)).toEqual([]);
    expect(await store.latest('#nothing', 5)).toEqual([]);
    const [first] = await store.latest('#r', 10);
    expect(first).toEqual({
      target: '#r',
      id: 1,
      sender: 'alice',
      text: 'm1',
      action: false,
      time: 1000,
    });
  });

  it('keeps actions and non-ASCII text exactly', async () => {
    const { store } = await factory.create();
    await store.append([{ ...message('#u', 'waves 👋 naïve «quoted»'), action: true }]);
    const [back] = await store.latest('#u', 1);
    expect(back).toMatchObject({ action: true, text: 'waves 👋 naïve «quoted»' });
  });

  it('searches the words of a room, newest first, ignoring search syntax', async () => {
    const { store } = await factory.create();
    await store.append([
      message('#s', 'The release is on Friday'),
      message('#s', 'friday lunch?'),
      message('#s', 'nothing to see'),
      message('#elsewhere', 'friday elsewhere'),
    ]);
    expect((await store.search('#s', 'FRIDAY', 10)).map((m) => m.id)).toEqual([2, 1]);
    expect((await store.search('#s', 'release friday', 10)).map((m) => m.id)).toEqual([1]);
    expect(await store.search('#s', 'friday', 1)).toHaveLength(1);
    for (const hostile of ['"', 'friday"', 'NEAR(', '* OR -', "'; DROP TABLE messages; --", '']) {
      await expect(store.search('#s', hostile, 10)).resolves.toBeInstanceOf(Array);
    }
    expect(await store.search('#s', 'absent', 10)).toEqual([]);
  });

  it('prunes by age and by count, and never reuses ids', async () => {
    const { store } = await factory.create();
    await store.append(
      Array.from({ length: 6 }, (_, i) => message('#p', `m${i + 1}`, 1000 * (i + 1))),
    );
    await store.append(Array.from({ length: 3 }, (_, i) => message('#q', `q${i + 1}`, 10_000)));
    expect(await store.prune({ olderThan: 3000 })).toBe(2);
    expect(await store.firstId('#p')).toBe(3);
    expect(await store.prune({ maxPerTarget: 2 })).toBe(3);
    expect((await store.latest('#p', 10)).map((m) => m.id)).toEqual([5, 6]);
    expect((await store.latest('#q', 10)).map((m) => m.id)).toEqual([2, 3]);
    expect(await store.prune({ olderThan: 1_000_000 })).toBe(4);
    expect(await store.firstId('#p')).toBeUndefined();
    const [next] = await store.append([message('#p', 'after the purge')]);
    expect(next!.id).toBe(7);
  });

  it('reports the newest id of each target asked for, leaving out those never written to', async () => {
    const { store } = await factory.create();
    expect(await store.lastIds(['#a', '@alice bob'])).toEqual(new Map());
    await store.append([
      message('#a', 'one'),
      message('@alice bob', 'dm'),
      message('#a', 'two'),
      { ...message('#a', 'three'), ref: 'r1' },
      message('#b', 'elsewhere'),
    ]);
    // A retry stores nothing, so it leaves the id where it was.
    await store.append([{ ...message('#a', 'three'), ref: 'r1' }]);
    expect(await store.lastIds(['#a', '@alice bob', '#none'])).toEqual(
      new Map([
        ['#a', 3],
        ['@alice bob', 1],
      ]),
    );
    expect(await store.lastIds([])).toEqual(new Map());
  });

  it('reports the highest id given even after pruning dropped it', async () => {
    const { store } = await factory.create();
    await store.append(Array.from({ length: 5 }, (_, i) => message('#p', `m${i}`, 1000 + i)));
    await store.append([message('#q', 'newer', 5000)]);
    await store.prune({ maxPerTarget: 2 });
    expect(await store.lastIds(['#p', '#q'])).toEqual(
      new Map([
        ['#p', 5],
        ['#q', 1],
      ]),
    );
    expect(await store.prune({ olderThan: 1_000_000 })).toBe(3);
    expect(await store.lastIds(['#p', '#q'])).toEqual(
      new Map([
        ['#p', 5],
        ['#q', 1],
      ]),
    );
  });

  it('saves rooms and their topics', async () => {
    const { store } = await factory.create();
    const room = {
      key: '#dev',
      name: '#Dev',
      topic: '',
      topicSetBy: undefined,
      topicSetAt: undefined,
      createdBy: 'alice',
      createdAt: 1234,
    };
    await store.saveRoom(room);
    await store.saveRoom({ ...room, topic: 'shipping', topicSetBy: 'bob', topicSetAt: 5678 });
    expect(await store.loadRooms()).toEqual([
      { ...room, topic: 'shipping', topicSetBy: 'bob', topicSetAt: 5678 },
    ]);
  });

  it('creates a room once: a second create gets the first record, untouched', async () => {
    const { store } = await factory.create();
    const first = roomRecord('#new', {
      name: '#New',
      topic: 'first',
      topicSetBy: 'alice',
      topicSetAt: 10,
      createdAt: 100,
    });
    expect(await store.createRoom(first)).toEqual(first);
    const second = roomRecord('#new', { name: '#NEW', topic: 'second', createdBy: 'bob' });
    expect(await store.createRoom({ ...second, createdAt: 200 })).toEqual(first);
    expect(await store.loadRooms()).toEqual([first]);
  });

  it('creating a room whose topic was set since gives that topic back', async () => {
    const { store } = await factory.create();
    await store.createRoom(roomRecord('#t', { createdAt: 100 }));
    const withTopic = roomRecord('#t', {
      topic: 'kept',
      topicSetBy: 'bob',
      topicSetAt: 150,
      createdAt: 100,
    });
    await store.saveRoom(withTopic);
    expect(
      await store.createRoom(roomRecord('#t', { createdBy: 'carol', createdAt: 300 })),
    ).toEqual(withTopic);
    expect(await store.loadRooms()).toEqual([withTopic]);
  });

  it('deletes a room record only while it has no stored messages', async () => {
    const { store } = await factory.create();
    const record = (key: string) => roomRecord(key);
    await store.saveRoom(record('#empty'));
    await store.saveRoom(record('#talked'));
    await store.append([message('#talked', 'history to keep')]);
    expect(await store.deleteEmptyRoom('#empty')).toBe(true);
    expect(await store.deleteEmptyRoom('#talked')).toBe(false);
    expect(await store.deleteEmptyRoom('#never')).toBe(false);
    expect((await store.loadRooms()).map((room) => room.key)).toEqual(['#talked']);
  });

  it('stores a send once per sender and ref, and reports the first to a retry', async () => {
    const { store } = await factory.create();
    const sent = { ...message('#r', 'once', 1000), ref: 'r1' };
    const [first] = await store.append([sent]);
    expect(first).toMatchObject({ id: 1, text: 'once', time: 1000 });
    expect(first!.repeat).toBeUndefined();
    // The retry comes later and in a batch with others: only it is not stored again.
    const retried = await store.append([
      message('#r', 'before'),
      { ...sent, time: 5000 },
      { ...message('#r', 'after'), ref: 'r2' },
    ]);
    expect(retried.map((m) => [m.id, m.text, m.time, m.repeat])).toEqual([
      [2, 'before', 1000, undefined],
      [1, 'once', 1000, true],
      [3, 'after', 1000, undefined],
    ]);
    // Twice in one batch (a retry sent before the first was stored): stored once.
    const twice = await store.append([
      { ...message('#r', 'twice'), ref: 'r3' },
      { ...message('#r', 'twice'), ref: 'r3' },
    ]);
    expect(twice.map((m) => [m.id, m.repeat])).toEqual([
      [4, undefined],
      [4, true],
    ]);
    expect((await store.latest('#r', 10)).map((m) => m.text)).toEqual([
      'once',
      'before',
      'after',
      'twice',
    ]);
  });

  it("stores another sender's same ref, and messages without a ref as always", async () => {
    const { store } = await factory.create();
    const stored = await store.append([
      { ...message('#r', 'from alice'), ref: 'same' },
      { ...message('#r', 'from bob', 1000, 'bob'), ref: 'same' },
      message('#r', 'no ref'),
      message('#r', 'no ref'),
    ]);
    expect(stored.map((m) => [m.id, m.repeat])).toEqual([
      [1, undefined],
      [2, undefined],
      [3, undefined],
      [4, undefined],
    ]);
    // A private conversation's target does not change the identity: still (sender, ref).
    const [elsewhere] = await store.append([{ ...message('@a b', 'dm'), ref: 'same' }]);
    expect(elsewhere).toMatchObject({ target: '#r', id: 1, repeat: true });
  });

  it("finds a sender's stored send by its ref, if it is recent enough", async () => {
    const { store } = await factory.create();
    await store.append([
      { ...message('@alice bob', 'dm', 1000), ref: 'r1' },
      { ...message('#r', 'other', 1000, 'bob'), ref: 'r1' },
    ]);
    expect(await store.findSent('alice', 'r1', 1000)).toMatchObject({
      target: '@alice bob',
      id: 1,
      text: 'dm',
      time: 1000,
    });
    expect(await store.findSent('alice', 'r1', 1001)).toBeUndefined();
    expect(await store.findSent('alice', 'r2', 0)).toBeUndefined();
    expect(await store.findSent('carol', 'r1', 0)).toBeUndefined();
  });

  it('forgets a ref past the window: the same ref is then stored anew', async () => {
    const { store } = await factory.create();
    await store.append([{ ...message('#w', 'first', 1000), ref: 'old' }]);
    const justInside = 1000 + REF_WINDOW_MS;
    const [inside] = await store.append([{ ...message('#w', 'first', justInside), ref: 'old' }]);
    expect(inside).toMatchObject({ id: 1, repeat: true });
    const past = justInside + 1;
    const [again] = await store.append([{ ...message('#w', 'second', past), ref: 'old' }]);
    expect(again).toMatchObject({ id: 2, text: 'second', time: past });
    expect(again!.repeat).toBeUndefined();
    // From then on the ref means the new message.
    const [retry] = await store.append([{ ...message('#w', 'second', past + 1), ref: 'old' }]);
    expect(retry).toMatchObject({ id: 2, repeat: true });
    // Pruning forgets old refs but keeps their messages.
    await store.append([{ ...message('#w', 'pruned ref', 10), ref: 'gone' }]);
    expect(await store.prune({ refsOlderThan: 100 })).toBe(0);
    const [fresh] = await store.append([{ ...message('#w', 'pruned ref', 20), ref: 'gone' }]);
    expect(fresh).toMatchObject({ id: 4 });
    expect(fresh!.repeat).toBeUndefined();
    expect(await store.latest('#w', 10)).toHaveLength(4);
  });

  it.runIf(factory.durable)('remembers refs across a reopen', async () => {
    const { store, reopen } = await factory.create();
    await store.append([{ ...message('#k', 'sent before'), ref: 'k1' }]);
    await store.close();
    const again = await reopen();
    const [retry] = await again.append([{ ...message('#k', 'sent before'), ref: 'k1' }]);
    expect(retry).toMatchObject({ id: 1, repeat: true });
    expect(await again.latest('#k', 10)).toHaveLength(1);
  });

  it.runIf(factory.durable)('keeps everything across a reopen', async () => {
    const { store, reopen } = await factory.create();
    await store.append([message('#k', 'kept'), message('#k', 'also kept')]);
    await store.saveRoom({
      key: '#k',
      name: '#k',
      topic: 'stays',
      topicSetBy: 'alice',
      topicSetAt: 1,
      createdBy: 'alice',
      createdAt: 1,
    });
    await store.close();
    const again = await reopen();
    expect((await again.latest('#k', 10)).map((m) => m.text)).toEqual(['kept', 'also kept']);
    expect((await again.loadRooms())[0]!.topic).toBe('stays');
    expect((await again.append([message('#k', 'next')]))[0]!.id).toBe(3);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type ModerationSnapshot,
  type ModerationStore,
  NEW_ROOM_MODES,
  type NewAuditEntry,
  ROLE_OP,
  ROLE_OWNER,
  ROLE_VOICE,
  type RoomModes,
  type Sanction,
  SERVER_WIDE,
} from '../src/core/moderation/types.js';
import { latestVersion } from '../src/store/migrations.js';
import { POSTGRES_MIGRATIONS } from '../src/store/postgres/migrations.js';
import { PostgresStore } from '../src/store/postgres/postgres-store.js';
import { SQLITE_MIGRATIONS } from '../src/store/sqlite/migrations.js';
import { migrateSqlite, SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from './helpers.js';
import { freshSchema, STORE_FACTORIES, TEST_DATABASE_URL } from './stores.js';

function modes(fields: Partial<RoomModes> = {}): RoomModes {
  return { ...NEW_ROOM_MODES, ...fields };
}

function ban(room: string, mask: string, fields: Partial<Sanction> = {}): Sanction {
  return { room, kind: 'ban', mask, setBy: 'op', setAt: 1_000, reason: '', ...fields };
}

function entry(room: string, action: string, fields: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return { room, time: 1_000, actor: 'op', action, target: 'someone', reason: '', ...fields };
}

function sortedBy<T>(items: readonly T[], key: (item: T) => string): T[] {
  return [...items].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

/** The snapshot in one order, whatever order a backend reads it in. */
async function load(store: ModerationStore, now = 0): Promise<ModerationSnapshot> {
  const snapshot = await store.loadModeration(now);
  return {
    modes: sortedBy(snapshot.modes, (m) => m.room),
    roles: sortedBy(snapshot.roles, (r) => `${r.room} ${r.nick}`),
    sanctions: sortedBy(snapshot.sanctions, (s) => `${s.room} ${s.kind} ${s.mask.toLowerCase()}`),
  };
}

/** Some of everything, in two rooms and server-wide. */
async function moderateSome(store: ModerationStore): Promise<void> {
  await store.moderate(
    [
      { kind: 'modes', room: '#a', modes: modes({ moderated: true, key: 'sesame', limit: 20 }) },
      { kind: 'modes', room: '#b', modes: modes({ secret: true }) },
      { kind: 'roles', room: '#a', nick: 'alice', roles: ROLE_OWNER | ROLE_OP },
      { kind: 'roles', room: '#b', nick: 'bob', roles: ROLE_VOICE },
      { kind: 'sanction', sanction: ban('#a', '*!*@spam.example', { expiresAt: 9_000 }) },
      { kind: 'sanction', sanction: { ...ban('#b', 'troll!*@*'), kind: 'mute', reason: 'noise' } },
      { kind: 'sanction', sanction: ban(SERVER_WIDE, '*!*@bad.example', { setBy: 'oper' }) },
    ],
    [entry('#a', 'mode', { target: '+mkl' }), entry(SERVER_WIDE, 'ban', { expiresAt: 9_000 })],
  );
}

// One suite, every backend: they must be interchangeable.
describe.each(STORE_FACTORIES)('$name moderation store', (factory) => {
  it('starts with nothing', async () => {
    const { store } = await factory.create();
    expect(await load(store.moderation)).toEqual({ modes: [], roles: [], sanctions: [] });
    expect(await store.moderation.readAudit({ limit: 10 })).toEqual([]);
  });

  it("sets a room's modes, a later set replacing them whole", async () => {
    const { moderation } = (await factory.create()).store;
    await moderateSome(moderation);
    await moderation.moderate(
      [{ kind: 'modes', room: '#a', modes: modes({ inviteOnly: true, topicLock: false }) }],
      [],
    );
    expect((await load(moderation)).modes).toEqual([
      { room: '#a', modes: modes({ inviteOnly: true, topicLock: false }) },
      { room: '#b', modes: modes({ secret: true }) },
    ]);
    const [a] = (await load(moderation)).modes;
    expect(a!.modes.key).toBeUndefined();
    expect(a!.modes.limit).toBeUndefined();
  });

  it('sets roles, replaces them, and removes them with 0', async () => {
    const { moderation } = (await factory.create()).store;
    await moderation.moderate(
      [
        { kind: 'roles', room: '#a', nick: 'alice', roles: ROLE_OP | ROLE_VOICE },
        { kind: 'roles', room: '#a', nick: 'bob', roles: ROLE_VOICE },
        { kind: 'roles', room: '#b', nick: 'alice', roles: ROLE_OWNER },
      ],
      [],
    );
    await moderation.moderate(
      [
        { kind: 'roles', room: '#a', nick: 'alice', roles: ROLE_VOICE },
        { kind: 'roles', room: '#a', nick: 'bob', roles: 0 },
        { kind: 'roles', room: '#c', nick: 'nobody', roles: 0 },
      ],
      [],
    );
    expect((await load(moderation)).roles).toEqual([
      { room: '#a', nick: 'alice', roles: ROLE_VOICE },
      { room: '#b', nick: 'alice', roles: ROLE_OWNER },
    ]);
  });

  it("moves a nickname's roles to its new nickname, adding to those it held", async () => {
    const { moderation } = (await factory.create()).store;
    await moderation.moderate(
      [
        { kind: 'roles', room: '#a', nick: 'alice', roles: ROLE_OP },
        { kind: 'roles', room: '#b', nick: 'alice', roles: ROLE_VOICE },
        { kind: 'roles', room: '#b', nick: 'bob', roles: ROLE_OWNER },
        { kind: 'roles', room: '#c', nick: 'carol', roles: ROLE_VOICE },
      ],
      [],
    );
    await moderation.renameRoles('alice', 'bob');
    await moderation.renameRoles('nobody', 'carol');
    await moderation.renameRoles('carol', 'carol');
    expect((await load(moderation)).roles).toEqual([
      { room: '#a', nick: 'bob', roles: ROLE_OP },
      { room: '#b', nick: 'bob', roles: ROLE_OWNER | ROLE_VOICE },
      { room: '#c', nick: 'carol', roles: ROLE_VOICE },
    ]);
  });

  it('keeps one sanction per room, kind and mask in any case, the newest spelling winning', async () => {
    const { moderation } = (await factory.create()).store;
    await moderation.moderate(
      [
        { kind: 'sanction', sanction: ban('#a', '*!*@Bad.Host', { reason: 'first' }) },
        { kind: 'sanction', sanction: { ...ban('#a', '*!*@bad.host'), kind: 'mute' } },
        { kind: 'sanction', sanction: ban('#b', '*!*@bad.host') },
        { kind: 'sanction', sanction: ban(SERVER_WIDE, '*!*@bad.host') },
      ],
      [],
    );
    const replacement = ban('#a', '*!*@BAD.host', {
      setBy: 'other',
      setAt: 2_000,
      expiresAt: 50_000,
      reason: 'again',
    });
    await moderation.moderate([{ kind: 'sanction', sanction: replacement }], []);
    expect((await load(moderation)).sanctions).toEqual([
      ban(SERVER_WIDE, '*!*@bad.host'),
      replacement,
      { ...ban('#a', '*!*@bad.host'), kind: 'mute' },
      ban('#b', '*!*@bad.host'),
    ]);
    // Lifting, too, finds the mask in any case, and only in its room and kind.
    await moderation.moderate(
      [{ kind: 'lift', room: '#a', sanction: 'ban', mask: '*!*@bad.HOST' }],
      [],
    );
    await moderation.moderate([{ kind: 'lift', room: '#a', sanction: 'ban', mask: 'absent' }], []);
    const left = (await load(moderation)).sanctions;
    expect(left.map((s) => [s.room, s.kind])).toEqual([
      [SERVER_WIDE, 'ban'],
      ['#a', 'mute'],
      ['#b', 'ban'],
    ]);
  });

  it('leaves out sanctions that have expired by the time of loading', async () => {
    const { moderation } = (await factory.create()).store;
    await moderation.moderate(
      [
        { kind: 'sanction', sanction: ban('#a', 'gone!*@*', { expiresAt: 5_000 }) },
        { kind: 'sanction', sanction: ban('#a', 'stays!*@*', { expiresAt: 5_001 }) },
        { kind: 'sanction', sanction: ban('#a', 'forever!*@*') },
      ],
      [],
    );
    const { sanctions } = await load(moderation, 5_000);
    expect(sanctions.map((s) => s.mask)).toEqual(['forever!*@*', 'stays!*@*']);
    expect(sanctions[1]).toEqual(ban('#a', 'stays!*@*', { expiresAt: 5_001 }));
    expect(typeof sanctions[1]!.setAt).toBe('number');
    expect(typeof sanctions[1]!.expiresAt).toBe('number');
  });

  it('gives audit entries increasing ids and returns them as stored', async () => {
    const { moderation } = (await factory.create()).store;
    const given = [entry('#a', 'kick', { reason: 'rude' }), entry('#b', 'ban', { expiresAt: 7 })];
    const first = await moderation.moderate([], given);
    expect(first.map(({ id: _id, ...rest }) => rest)).toEqual(given);
    const [third] = await moderation.moderate([], [entry(SERVER_WIDE, 'kill')]);
    const ids = [...first, third!].map((e) => e.id);
    expect(ids[1]).toBeGreaterThan(ids[0]!);
    expect(ids[2]).toBeGreaterThan(ids[1]!);
    expect(typeof ids[0]).toBe('number');
    expect(await moderation.readAudit({ limit: 10 })).toEqual([third, first[1], first[0]]);
  });

  it("reads a room's audit log or everyone's, newest first, by pages", async () => {
    const { moderation } = (await factory.create()).store;
    const rooms = ['#a', '#b', SERVER_WIDE, '#a', '#a', SERVER_WIDE, '#b', '#a'];
    const stored = await moderation.moderate(
      [],
      rooms.map((room, i) => entry(room, 'kick', { time: 1_000 + i, target: `t${i}` })),
    );
    const targets = (list: { target: string }[]) => list.map((e) => e.target);
    expect(targets(await moderation.readAudit({ limit: 3 }))).toEqual(['t7', 't6', 't5']);
    expect(targets(await moderation.readAudit({ room: '#a', limit: 10 }))).toEqual([
      't7',
      't4',
      't3',
      't0',
    ]);
    expect(targets(await moderation.readAudit({ room: SERVER_WIDE, limit: 10 }))).toEqual([
      't5',
      't2',
    ]);
    const page = await moderation.readAudit({ room: '#a', limit: 2, before: stored[4]!.id });
    expect(targets(page)).toEqual(['t3', 't0']);
    const next = await moderation.readAudit({ limit: 10, before: stored[2]!.id });
    expect(targets(next)).toEqual(['t1', 't0']);
    expect(await moderation.readAudit({ room: '#none', limit: 10 })).toEqual([]);
    expect(await moderation.readAudit({ limit: 10, before: stored[0]!.id })).toEqual([]);
  });

  it("forgets a room's modes, roles and sanctions, and keeps its audit log", async () => {
    const { moderation } = (await factory.create()).store;
    await moderateSome(moderation);
    await moderation.forgetRoom('#a');
    const left = await load(moderation);
    expect(left.modes.map((m) => m.room)).toEqual(['#b']);
    expect(left.roles.map((r) => r.room)).toEqual(['#b']);
    expect(left.sanctions.map((s) => s.room)).toEqual([SERVER_WIDE, '#b']);
    expect((await moderation.readAudit({ room: '#a', limit: 10 })).map((e) => e.target)).toEqual([
      '+mkl',
    ]);
  });

  it('makes a secret once per name', async () => {
    const { moderation } = (await factory.create()).store;
    const cloak = await moderation.secret('cloak');
    expect(cloak.length).toBeGreaterThanOrEqual(32);
    expect(await moderation.secret('cloak')).toBe(cloak);
    expect(await moderation.secret('other')).not.toBe(cloak);
  });

  it.runIf(factory.durable)(
    'keeps server bans (K-lines) and their expiry across a reopen, until they run out',
    async () => {
      const { store, reopen } = await factory.create();
      const kline = ban(SERVER_WIDE, 'bob!*@*', {
        setBy: 'alice',
        expiresAt: 50_000,
        reason: 'spam',
      });
      const forever = ban(SERVER_WIDE, '*!~eve@*', { setBy: 'alice' });
      const room = ban('#a', 'bob!*@*');
      await store.moderation.moderate(
        [kline, forever, room].map((sanction) => ({ kind: 'sanction' as const, sanction })),
        [entry(SERVER_WIDE, 'kline', { target: 'bob!*@*', expiresAt: 50_000 })],
      );
      await store.close();
      const again = (await reopen()).moderation;
      const server = (snapshot: ModerationSnapshot) =>
        snapshot.sanctions.filter((sanction) => sanction.room === SERVER_WIDE);
      expect(server(await load(again, 49_999))).toEqual([forever, kline]);
      expect(server(await load(again, 50_000))).toEqual([forever]);
      // Lifting one leaves the room's ban on the same mask alone.
      await again.moderate(
        [{ kind: 'lift', room: SERVER_WIDE, sanction: 'ban', mask: 'BOB!*@*' }],
        [],
      );
      const left = await load(again, 0);
      expect(left.sanctions.map((s) => [s.room, s.mask])).toEqual([
        [SERVER_WIDE, '*!~eve@*'],
        ['#a', 'bob!*@*'],
      ]);
      expect((await again.readAudit({ room: SERVER_WIDE, limit: 5 })).map((e) => e.action)).toEqual(
        ['kline'],
      );
    },
  );

  it.runIf(factory.durable)('applies nothing of a moderate() that fails', async () => {
    const { moderation } = (await factory.create()).store;
    const broken = { ...entry('#a', 'kick'), actor: null as unknown as string };
    await expect(
      moderation.moderate(
        [{ kind: 'roles', room: '#a', nick: 'alice', roles: ROLE_OP }],
        [entry('#a', 'op'), broken],
      ),
    ).rejects.toThrow();
    expect(await load(moderation)).toEqual({ modes: [], roles: [], sanctions: [] });
    expect(await moderation.readAudit({ limit: 10 })).toEqual([]);
  });

  it.runIf(factory.durable)('keeps everything across a reopen, and ids go on rising', async () => {
    const { store, reopen } = await factory.create();
    await moderateSome(store.moderation);
    await store.moderation.renameRoles('bob', 'robert');
    const before = await load(store.moderation, 1_000);
    const audit = await store.moderation.readAudit({ limit: 10 });
    const cloak = await store.moderation.secret('cloak');
    await store.close();
    const again = (await reopen()).moderation;
    expect(await load(again, 1_000)).toEqual(before);
    expect(before.roles).toContainEqual({ room: '#b', nick: 'robert', roles: ROLE_VOICE });
    expect(await again.readAudit({ limit: 10 })).toEqual(audit);
    expect(await again.secret('cloak')).toBe(cloak);
    const [next] = await again.moderate([], [entry('#a', 'kick')]);
    expect(next!.id).toBeGreaterThan(audit[0]!.id);
  });
});

describe('PostgreSQL moderation shared by several server nodes', () => {
  async function twoNodes(): Promise<[PostgresStore, PostgresStore]> {
    const schema = freshSchema();
    // Opened at once: both migrate a fresh schema, one waiting for the other.
    const nodes = await Promise.all(
      [1, 2].map(() => PostgresStore.open({ url: TEST_DATABASE_URL, schema })),
    );
    for (const node of nodes) onCleanup(() => node.close());
    return nodes as [PostgresStore, PostgresStore];
  }

  it('agrees on a secret both make at once', async () => {
    const [one, two] = await twoNodes();
    for (const name of ['cloak', 'other', 'third']) {
      const [a, b] = await Promise.all([one.moderation.secret(name), two.moderation.secret(name)]);
      expect(a).toBe(b);
    }
  });

  it('gives unique audit ids to actions taken at once on both', async () => {
    const [one, two] = await twoNodes();
    const calls = Array.from({ length: 20 }, (_, i) =>
      (i % 2 ? one : two).moderation.moderate(
        [{ kind: 'roles', room: '#race', nick: `n${i % 4}`, roles: ROLE_VOICE }],
        [entry('#race', 'voice', { target: `${i}a` }), entry('#race', 'op', { target: `${i}b` })],
      ),
    );
    const results = await Promise.all(calls);
    for (const [a, b] of results) expect(b!.id).toBeGreaterThan(a!.id);
    const ids = results.flat().map((e) => e.id);
    expect(new Set(ids).size).toBe(40);
    const read = await one.moderation.readAudit({ room: '#race', limit: 100 });
    expect(read.map((e) => e.id)).toEqual([...ids].sort((a, b) => b - a));
  });
});

describe('moderation in a database from before it', () => {
  it('upgrades a SQLite store from the previous schema, keeping its history', async () => {
    const dataDir = tempDir();
    const previous = latestVersion(SQLITE_MIGRATIONS) - 1;
    const old = SqliteStore.open({ dataDir, migrateTo: previous });
    expect(old.schemaVersion()).toBe(previous);
    await old.append([{ target: '#a', sender: 'alice', text: 'old', action: false, time: 1 }]);
    // Migrated while open, as a server upgrading in place would see it.
    migrateSqlite(old);
    await moderateSome(old.moderation);
    await old.close();
    const upgraded = SqliteStore.open({ dataDir });
    onCleanup(() => upgraded.close());
    expect(upgraded.schemaVersion()).toBe(latestVersion(SQLITE_MIGRATIONS));
    expect((await upgraded.latest('#a', 5)).map((m) => m.text)).toEqual(['old']);
    expect((await load(upgraded.moderation)).modes).toHaveLength(2);
    expect(await upgraded.moderation.readAudit({ limit: 5 })).toHaveLength(2);
  });

  it('upgrades a PostgreSQL store from the previous schema, keeping its history', async () => {
    const schema = freshSchema();
    const previous = latestVersion(POSTGRES_MIGRATIONS) - 1;
    const old = await PostgresStore.open({ url: TEST_DATABASE_URL, schema, migrateTo: previous });
    expect(await old.schemaVersion()).toBe(previous);
    await old.append([{ target: '#a', sender: 'alice', text: 'old', action: false, time: 1 }]);
    await old.close();
    const upgraded = await PostgresStore.open({ url: TEST_DATABASE_URL, schema });
    onCleanup(() => upgraded.close());
    expect(await upgraded.schemaVersion()).toBe(latestVersion(POSTGRES_MIGRATIONS));
    expect((await upgraded.latest('#a', 5)).map((m) => m.text)).toEqual(['old']);
    await moderateSome(upgraded.moderation);
    expect((await load(upgraded.moderation)).sanctions).toHaveLength(3);
    expect(await upgraded.moderation.readAudit({ limit: 5 })).toHaveLength(2);
  });
});

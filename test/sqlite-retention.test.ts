import { describe, expect, it } from 'vitest';
import type { NewMessage } from '../src/core/history.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from './helpers.js';

function message(text: string, time: number): NewMessage {
  return { target: '#r', sender: 'alice', text, action: false, time };
}

function open(options: { migrateTo?: number } = {}): SqliteStore {
  const store = SqliteStore.open({ dataDir: tempDir(), ...options });
  onCleanup(() => store.close());
  return store;
}

async function texts(store: SqliteStore): Promise<string[]> {
  return (await store.latest('#r', 100)).map((m) => m.text);
}

describe('SQLite retention by age, walking rows in the order they were stored', () => {
  it('deletes the rows stored before the first one at or after the cutoff', async () => {
    const store = open();
    await store.append([message('a', 1000), message('b', 2000), message('c', 3000)]);
    await store.append([message('d', 4000)]);
    expect(await store.prune({ olderThan: 2500 })).toBe(2);
    expect(await texts(store)).toEqual(['c', 'd']);
    expect(await store.prune({ olderThan: 2500 })).toBe(0);
    expect(await store.prune({ olderThan: 10_000 })).toBe(2);
    expect(await texts(store)).toEqual([]);
  });

  it('keeps a row stored while the clock stood behind until the rows before it go: late, never early', async () => {
    const store = open();
    await store.append([message('a', 1000), message('b', 3000), message('stepped back', 2000)]);
    await store.append([message('d', 5000)]);
    expect(await store.prune({ olderThan: 2500 })).toBe(1);
    expect(await texts(store)).toEqual(['b', 'stepped back', 'd']);
    expect(await store.prune({ olderThan: 4000 })).toBe(2);
    expect(await texts(store)).toEqual(['d']);
  });

  it('prunes the same way in a store opened at the schema that still had a time index', async () => {
    const store = open({ migrateTo: 6 });
    await store.append([message('a', 1000), message('b', 2000), message('c', 3000)]);
    expect(await store.prune({ olderThan: 2500 })).toBe(2);
    expect(await texts(store)).toEqual(['c']);
  });
});

import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { NewMessage } from '../src/core/history.js';
import { INDEX_LAG_ROWS } from '../src/store/sqlite/search-index.js';
import { SQLITE_FILE, SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from './helpers.js';

function message(text: string, time = 1_000): NewMessage {
  return { target: '#a', sender: 'alice', text, action: false, time };
}

function open(dataDir = tempDir()): SqliteStore {
  const store = SqliteStore.open({ dataDir });
  onCleanup(() => store.close());
  return store;
}

/** Rows stored but not yet in the search index. */
function waiting(store: SqliteStore): number {
  const row = store.db
    .prepare<[], { waiting: number }>(
      `SELECT (SELECT coalesce(max(rowid), 0) FROM messages)
            - (SELECT indexed_through FROM search_progress) AS waiting`,
    )
    .get()!;
  return row.waiting;
}

/** Throws unless the index holds exactly the messages' words (FTS5 checks it against them). */
function checkIndex(store: SqliteStore): void {
  store.db.exec("INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)");
}

async function found(store: SqliteStore, words: string): Promise<string[]> {
  return (await store.search('#a', words, 100)).map((m) => m.text).sort();
}

describe('the SQLite search index, kept behind the writes', () => {
  it('indexes outside the commit, yet a search sees every stored message', async () => {
    const store = open();
    await store.append([message('apple one'), message('apple two')]);
    expect(waiting(store)).toBe(2);
    expect(await found(store, 'apple')).toEqual(['apple one', 'apple two']);
    expect(waiting(store)).toBe(0);
    checkIndex(store);
  });

  it('catches up by itself once enough rows wait', async () => {
    const store = open();
    const batch = Array.from({ length: INDEX_LAG_ROWS }, (_, i) => message(`pear ${i}`));
    await store.append(batch);
    await vi.waitFor(() => expect(waiting(store)).toBe(0));
    checkIndex(store);
  });

  it('finds words joined by underscores, which the index holds as separate words', async () => {
    const store = open();
    await store.append([message('deploy_v2 is out'), message('v2 deploy plan'), message('v3')]);
    expect(await found(store, 'deploy_v2')).toEqual(['deploy_v2 is out', 'v2 deploy plan']);
    expect(await found(store, 'deploy v3')).toEqual([]);
  });

  it('catches up by itself when writes pause', async () => {
    const store = open();
    await store.append([message('quiet plum')]);
    await vi.waitFor(() => expect(waiting(store)).toBe(0), { timeout: 3_000 });
  });

  it('prunes rows not yet indexed without leaving the index wrong', async () => {
    const store = open();
    await store.append([message('old fig', 1), message('old fig too', 2), message('new fig', 9)]);
    expect(waiting(store)).toBe(3);
    expect(await store.prune({ olderThan: 5 })).toBe(2);
    checkIndex(store);
    expect(await found(store, 'fig')).toEqual(['new fig']);
  });

  it('indexes new rows after pruning every row (SQLite reuses their rowids)', async () => {
    const store = open();
    await store.append([message('kiwi 1', 1), message('kiwi 2', 2)]);
    expect(await found(store, 'kiwi')).toHaveLength(2);
    await store.append([message('lime 3', 3)]);
    expect(await store.prune({ olderThan: 10 })).toBe(3);
    await store.append([message('lime again', 20)]);
    expect(await found(store, 'lime')).toEqual(['lime again']);
    checkIndex(store);
  });

  it('after a crash, indexes what was stored but not yet indexed, once', async () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    await store.append([message('grape before')]);
    expect(await found(store, 'grape')).toHaveLength(1);
    await store.append([message('grape after'), message('grape last')]);
    expect(waiting(store)).toBe(2);
    // The files as a kill -9 leaves them: both commits in the WAL, the index behind by two.
    const crashed = tempDir();
    for (const suffix of ['', '-wal']) {
      const file = join(dataDir, SQLITE_FILE + suffix);
      if (existsSync(file)) copyFileSync(file, join(crashed, SQLITE_FILE + suffix));
    }
    const restarted = open(crashed);
    expect(waiting(restarted)).toBe(0);
    checkIndex(restarted);
    expect(await found(restarted, 'grape')).toEqual(['grape after', 'grape before', 'grape last']);
  });

  it('leaves nothing to index after a clean close', async () => {
    const dataDir = tempDir();
    const store = SqliteStore.open({ dataDir });
    await store.append([message('cherry')]);
    await store.close();
    const reopened = open(dataDir);
    expect(waiting(reopened)).toBe(0);
    expect(await found(reopened, 'cherry')).toEqual(['cherry']);
  });

  it('closes even when the index cannot be written, and catches up at the next start', async () => {
    const dataDir = tempDir();
    const store = SqliteStore.open({ dataDir });
    await store.append([message('melon')]);
    store.db.pragma('query_only = ON');
    await store.close();
    expect(store.db.open).toBe(false);
    const reopened = open(dataDir);
    expect(waiting(reopened)).toBe(0);
    expect(await found(reopened, 'melon')).toEqual(['melon']);
  });
});

import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { describe, expect, it, vi } from 'vitest';
import type { NewMessage } from '../src/core/history.js';
import { SQLITE_FILE, SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { onCleanup, tempDir } from './helpers.js';
import { requireBuiltCli } from './spawned.js';

function batch(from: number, size: number): NewMessage[] {
  return Array.from({ length: size }, (_, i) => ({
    target: '#a',
    sender: 'alice',
    text: `message ${from + i} ${'x'.repeat(64)}`,
    action: false,
    time: 1_000,
  }));
}

function size(path: string): number {
  return existsSync(path) ? statSync(path).size : 0;
}

describe('SQLite checkpoints in the background', () => {
  it('leaves the writer without auto-checkpoints and copies the WAL back behind it', async () => {
    const dataDir = tempDir();
    const store = SqliteStore.open({ dataDir });
    onCleanup(() => store.close());
    expect(store.db.pragma('wal_autocheckpoint', { simple: true })).toBe(0);
    const database = join(dataDir, SQLITE_FILE);
    const before = size(database);
    for (let i = 0; i < 20; i++) await store.append(batch(i * 100, 100));
    // Only the WAL holds the rows until a checkpoint copies them into the database file.
    await vi.waitFor(() => expect(size(database)).toBeGreaterThan(before + 100 * 100));
  });

  it('makes a commit wait for a checkpoint once the WAL is past its limit, so it starts over', async () => {
    const dataDir = tempDir();
    const walLimitBytes = 256 * 1024;
    const store = SqliteStore.open({ dataDir, walLimitBytes });
    onCleanup(() => store.close());
    const wal = join(dataDir, `${SQLITE_FILE}-wal`);
    // Commits on every turn never leave the checkpoint a pause to finish in, so without the
    // wait the WAL would only grow. Once it starts over, its file is cut back to the limit.
    let largest = 0;
    let shrunk = false;
    let sent = 0;
    const deadline = Date.now() + 15_000;
    while (!shrunk && Date.now() < deadline) {
      await store.append(batch(sent, 50));
      sent += 50;
      const now = size(wal);
      if (largest > walLimitBytes && now <= walLimitBytes) shrunk = true;
      largest = Math.max(largest, now);
      await nextTurn();
    }
    expect(shrunk).toBe(true);
    const stored = await store.latest('#a', sent);
    expect(stored.map((message) => message.id)).toEqual(
      Array.from({ length: sent }, (_, i) => i + 1),
    );
  });

  it('stops its worker on close, and the last connection removes the WAL', async () => {
    const dataDir = tempDir();
    const store = SqliteStore.open({ dataDir });
    await store.append(batch(0, 10));
    await store.close();
    expect(existsSync(join(dataDir, `${SQLITE_FILE}-wal`))).toBe(false);
    const reopened = SqliteStore.open({ dataDir });
    onCleanup(() => reopened.close());
    expect(await reopened.latest('#a', 20)).toHaveLength(10);
  });

  it('lets a process with nothing else to do finish closing it', () => {
    requireBuiltCli();
    const store = new URL('../dist/store/sqlite/sqlite-store.js', import.meta.url).href;
    // A top-level await left waiting on a worker that holds the loop open by nothing ends
    // the process with code 13 instead.
    const script = `
      const { SqliteStore } = await import(${JSON.stringify(store)});
      const store = SqliteStore.open({ dataDir: ${JSON.stringify(tempDir())} });
      await store.append([{ target: '#a', sender: 'a', text: 'hi', action: false, time: 1 }]);
      await store.close();
      console.log('closed');`;
    const output = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
      encoding: 'utf8',
      timeout: 15_000,
    });
    expect(output.trim()).toBe('closed');
  });
});

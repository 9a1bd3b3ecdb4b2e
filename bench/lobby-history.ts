import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

/** Messages the lobby holds before anyone joins: what --history-on-join replays by default. */
export const LOBBY_HISTORY = 50;

/** Stores #lobby as the bench made it, before the server starts and restores it. */
export async function createBenchLobby(store: SqliteStore, now: number): Promise<void> {
  await store.createRoom({
    key: '#lobby',
    name: '#lobby',
    topic: '',
    topicSetBy: undefined,
    topicSetAt: undefined,
    createdBy: 'bench',
    createdAt: now,
  });
}

/**
 * Stores, before the server starts on this data directory, a lobby whose latest
 * LOBBY_HISTORY messages (64-byte texts, as in every scenario) every joiner is replayed.
 */
export async function seedLobbyHistory(dataDir: string): Promise<void> {
  const store = SqliteStore.open({ dataDir });
  try {
    const now = Date.now();
    await createBenchLobby(store, now);
    await store.append(
      Array.from({ length: LOBBY_HISTORY }, (_, i) => ({
        target: '#lobby',
        sender: `s${String(i % 10).padStart(5, '0')}`,
        text: `replayed ${String(i).padStart(2, '0')} `.padEnd(64, 'x'),
        action: false,
        time: now - (LOBBY_HISTORY - i) * 1_000,
      })),
    );
  } finally {
    await store.close();
  }
}

import type { ModerationChange, NewAuditEntry } from '../src/core/moderation/types.js';
import { NEW_ROOM_MODES, ROLE_VOICE } from '../src/core/moderation/types.js';
import { SqliteStore } from '../src/store/sqlite/sqlite-store.js';
import { createBenchLobby } from './lobby-history.js';

/** The bans the moderated lobby carries (none matches a benchmark client). */
export const BENCH_BANS = 1_000;
/** Senders are named s00000, s00001...: every one the generator may use is voiced. */
const VOICED_SENDERS = 1_000;

/**
 * Stores, before the server starts on this data directory, a lobby that is moderated (+m)
 * with every possible sender voiced and BENCH_BANS ban masks none of the clients matches, as
 * an operator would have set them: the server restores them as it would after a restart.
 */
export async function seedModeratedLobby(dataDir: string): Promise<void> {
  const store = SqliteStore.open({ dataDir });
  try {
    const now = Date.now();
    await createBenchLobby(store, now);
    const changes: ModerationChange[] = [
      { kind: 'modes', room: '#lobby', modes: { ...NEW_ROOM_MODES, moderated: true } },
    ];
    for (let i = 0; i < VOICED_SENDERS; i++) {
      changes.push({
        kind: 'roles',
        room: '#lobby',
        nick: `s${String(i).padStart(5, '0')}`,
        roles: ROLE_VOICE,
      });
    }
    for (let i = 0; i < BENCH_BANS; i++) {
      changes.push({
        kind: 'sanction',
        sanction: {
          room: '#lobby',
          kind: 'ban',
          mask: `spammer${i}!*@*.example`,
          setBy: 'bench',
          setAt: now,
          reason: 'benchmark',
        },
      });
    }
    const entry: NewAuditEntry = {
      room: '#lobby',
      time: now,
      actor: 'bench',
      action: 'mode',
      target: '+m',
      reason: '',
    };
    await store.moderation.moderate(changes, [entry]);
  } finally {
    await store.close();
  }
}

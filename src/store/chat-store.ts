import type { HistoryStore } from '../core/history.js';
import type { ModerationStore } from '../core/moderation/types.js';

/**
 * What every backend offers the server: the history, and moderation kept beside it (in the
 * same database, so one backup or one failover covers both).
 */
export interface ChatStore extends HistoryStore {
  readonly moderation: ModerationStore;
}

import { ChatError } from '../errors.js';
import type { AuditEntry, ModerationChange, ModerationStore, NewAuditEntry } from './types.js';

/**
 * Stores changes with their audit entries, in one write; a failure is STORE_FAILED, and the
 * caller makes no change: nothing takes effect that the store does not keep.
 */
export async function writeModeration(
  store: ModerationStore,
  changes: ModerationChange[],
  entries: NewAuditEntry[],
): Promise<AuditEntry[]> {
  try {
    return await store.moderate(changes, entries);
  } catch (error) {
    throw new ChatError(
      'STORE_FAILED',
      'The change could not be saved, so it was not made. Try again shortly.',
      { cause: error },
    );
  }
}

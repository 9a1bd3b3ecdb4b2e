import { ChatError } from './errors.js';
import type { HistoryStore, RoomRecord } from './history.js';

/** A store read whose failure the user is told of as STORE_FAILED. */
export async function readOrFail<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw new ChatError('STORE_FAILED', 'History is unavailable right now. Try again shortly.', {
      cause: error,
    });
  }
}

export async function saveRoomOrFail(history: HistoryStore, record: RoomRecord): Promise<void> {
  try {
    await history.saveRoom(record);
  } catch (error) {
    throw new ChatError('STORE_FAILED', 'The room could not be saved. Try again shortly.', {
      cause: error,
    });
  }
}

/** Creates the room's record unless it is stored; returns the record kept (STORE_FAILED if none). */
export async function createRoomOrFail(
  history: HistoryStore,
  record: RoomRecord,
): Promise<RoomRecord> {
  try {
    return await history.createRoom(record);
  } catch (error) {
    throw new ChatError('STORE_FAILED', 'The room could not be saved. Try again shortly.', {
      cause: error,
    });
  }
}

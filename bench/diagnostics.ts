import type { SqliteStore } from '../src/store/sqlite/sqlite-store.js';

/**
 * For the "no full-text index" diagnostic runs: drops the triggers that index each new
 * message, so a run shows what SQLite costs without them. Not a supported configuration.
 */
export function dropInsertTriggers(store: SqliteStore): void {
  const triggers = store.db
    .prepare<[], { name: string; sql: string }>(
      "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'messages'",
    )
    .all()
    .filter((trigger) => /\bAFTER\s+INSERT\b/i.test(trigger.sql));
  if (triggers.length === 0) throw new Error('no insert trigger on messages to drop');
  for (const trigger of triggers) store.db.exec(`DROP TRIGGER "${trigger.name}"`);
}

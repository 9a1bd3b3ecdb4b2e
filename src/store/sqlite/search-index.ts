import type Database from 'better-sqlite3';
import { searchWords } from '../search-words.js';

/** From this schema on, the index follows the messages instead of being fed in each commit. */
export const DEFERRED_INDEX_SCHEMA = 6;
/** From this schema on (and before DEFERRED_INDEX_SCHEMA), each batch is indexed in its commit. */
const BATCH_INDEX_SCHEMA = 3;

/**
 * How far the index may fall behind before it catches up: rows stored but not yet indexed.
 * FTS5 writes a segment per transaction and merges them later, so the more rows at once, the
 * less each costs: a row indexed with 250 others costs 2.7 µs, with 1,000 2.0 µs, with 5,000
 * 1.3 µs, and no less with 20,000, whose merges stall the loop three times as long
 * (BENCHMARKS.md). A search indexes what waits first, so the lag never hides a message.
 */
export const INDEX_LAG_ROWS = 5_000;
/** And how long: a quiet room's last messages are indexed this soon after they were stored. */
export const INDEX_LAG_MS = 500;
/** Rows indexed per transaction, so catching up after a crash never stalls the loop for long. */
const ROWS_PER_CATCH_UP = 5_000;

/** A message as the messages table holds it. */
export interface MessageRow {
  target: string;
  id: number;
  sender: string;
  body: string;
  action: number;
  time: number;
}

/**
 * The FTS5 index of the messages' bodies. Stored messages are indexed behind the writes,
 * 5,000 rows or half a second at a time, outside the commit that relays them; a search
 * first indexes whatever is still waiting, so it always sees every stored message. What has
 * been indexed is recorded (`search_progress`) in the same transaction as the index rows, so a
 * crash between the two leaves nothing indexed twice or skipped: the next start catches up.
 */
export class SqliteSearchIndex {
  private deferred = false;
  private pendingRows = 0;
  private timer: NodeJS.Timeout | undefined;
  private catchUpQueued = false;
  private statements:
    | {
        progress: Database.Statement<[], { indexed_through: number }>;
        newest: Database.Statement<[], { rowid: number | null }>;
        index: Database.Statement<[number, number]>;
        record: Database.Statement<[number]>;
      }
    | undefined;
  private inline: Database.Statement<[number | bigint]> | undefined;
  private searchStatement: Database.Statement<[string, string, number], MessageRow> | undefined;
  private readonly catchUpChunk: (through: number) => void;

  constructor(
    private readonly db: Database.Database,
    schemaVersion: number,
  ) {
    this.catchUpChunk = db.transaction((through: number) => {
      const from = this.statements!.progress.get()!.indexed_through;
      this.statements!.index.run(from, through);
      this.statements!.record.run(through);
    });
    this.useSchema(schemaVersion);
  }

  /** Prepares for the schema as it now is (tests migrate a store while it is open). */
  useSchema(schemaVersion: number): void {
    this.deferred = schemaVersion >= DEFERRED_INDEX_SCHEMA;
    this.inline =
      schemaVersion >= BATCH_INDEX_SCHEMA && !this.deferred
        ? this.db.prepare(
            'INSERT INTO messages_fts (rowid, body) SELECT rowid, body FROM messages WHERE rowid >= ?',
          )
        : undefined;
    this.statements = this.deferred
      ? {
          progress: this.db.prepare('SELECT indexed_through FROM search_progress WHERE id = 1'),
          newest: this.db.prepare('SELECT max(rowid) AS rowid FROM messages'),
          index: this.db.prepare(
            `INSERT INTO messages_fts (rowid, body)
             SELECT rowid, body FROM messages WHERE rowid > ? AND rowid <= ?`,
          ),
          record: this.db.prepare('UPDATE search_progress SET indexed_through = ? WHERE id = 1'),
        }
      : undefined;
    if (this.deferred) this.catchUp();
  }

  /** Inside an append's transaction, with the rowid of its first row. */
  inCommit(firstRowid: number): void {
    this.inline?.run(firstRowid);
  }

  /** After an append's transaction committed `rows` rows. */
  afterCommit(rows: number): void {
    if (!this.deferred || rows === 0) return;
    this.pendingRows += rows;
    if (this.pendingRows >= INDEX_LAG_ROWS) {
      // After this turn's relays: the batch that crossed the line is not held back for it.
      if (!this.catchUpQueued) {
        this.catchUpQueued = true;
        setImmediate(() => {
          this.catchUpQueued = false;
          this.catchUpInBackground();
        });
      }
    } else {
      this.timer ??= setTimeout(() => this.catchUpInBackground(), INDEX_LAG_MS).unref();
    }
  }

  /**
   * A write that fails here (a full disk, a read-only file) fails the next append too, which
   * is where it is reported; the rows stay waiting and the next try comes after the lag.
   */
  private catchUpInBackground(): void {
    try {
      this.catchUp();
    } catch {
      this.timer ??= setTimeout(() => this.catchUpInBackground(), INDEX_LAG_MS).unref();
    }
  }

  /** Indexes every stored row not yet indexed. */
  catchUp(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingRows = 0;
    const statements = this.statements;
    if (!statements || !this.db.open) return;
    const newest = statements.newest.get()?.rowid ?? 0;
    let indexed = statements.progress.get()!.indexed_through;
    while (indexed < newest) {
      const through = Math.min(newest, indexed + ROWS_PER_CATCH_UP);
      this.catchUpChunk(through);
      indexed = through;
    }
  }

  /**
   * Before rows are deleted: FTS5 removes a row by the words it was indexed with, so a row
   * must be in the index before it leaves.
   */
  beforeDelete(): void {
    this.catchUp();
  }

  /**
   * After rows were deleted. With the newest rows gone, SQLite hands their rowids out again;
   * everything left is indexed, so what is indexed is now exactly what is there.
   */
  afterDelete(): void {
    const statements = this.statements;
    if (!statements) return;
    statements.record.run(statements.newest.get()?.rowid ?? 0);
  }

  search(target: string, query: string, limit: number): MessageRow[] {
    // FTS5's tokenizer splits words at underscores; a quoted string of several tokens would be
    // a phrase, which an index without positions cannot answer.
    const words = searchWords(query).flatMap((word) => word.split('_').filter(Boolean));
    if (words.length === 0) return [];
    this.catchUp();
    // Quoted, every word is a plain term: nothing the user types is FTS5 syntax.
    const match = words.map((word) => `"${word}"`).join(' ');
    this.searchStatement ??= this.db.prepare<[string, string, number], MessageRow>(
      `SELECT m.target, m.id, m.sender, m.body, m.action, m.time
       FROM messages_fts f JOIN messages m ON m.rowid = f.rowid
       WHERE messages_fts MATCH ? AND m.target = ? ORDER BY m.id DESC LIMIT ?`,
    );
    return this.searchStatement.all(match, target, limit);
  }

  /**
   * Leaves the index complete, so a clean shutdown has nothing to catch up at the next start.
   * If it cannot write (a full disk), the rows wait for that start instead: closing goes on.
   */
  close(): void {
    try {
      this.catchUp();
    } catch {}
  }
}

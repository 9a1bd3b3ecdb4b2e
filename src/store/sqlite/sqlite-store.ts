import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  type HistoryStore,
  type NewMessage,
  type RetentionPolicy,
  type RoomRecord,
  type StoredMessage,
  storedMessage,
} from '../../core/history.js';
import { latestVersion, pendingMigrations, StoreOpenError } from '../migrations.js';
import { hasRefs, mergeRefs, planRefs, type RefPlan, refKey } from '../refs.js';
import { SqliteCheckpointer } from './checkpointer.js';
import { DataDirLock, DataDirLockedError } from './data-dir-lock.js';
import { SQLITE_MIGRATIONS } from './migrations.js';
import { SqliteModeration } from './moderation.js';
import { SqliteRooms } from './rooms.js';
import { type MessageRow, SqliteSearchIndex } from './search-index.js';

export const SQLITE_FILE = 'chatroom.db';

/**
 * NORMAL (the default) with WAL: a commit is in the WAL file before anyone is told about the
 * message, so killing the server loses nothing; a power cut or kernel crash may lose the
 * last commits (never corrupt the database). FULL syncs the WAL on every commit and survives
 * those too, at the cost of an fsync per group commit.
 */
export type SqliteSynchronous = 'normal' | 'full';

export interface SqliteStoreOptions {
  dataDir: string;
  synchronous?: SqliteSynchronous;
  /** How big the WAL may grow under sustained writes before commits wait for a checkpoint. */
  walLimitBytes?: number;
  /** Stop migrating at this version (tests use it to build an old schema). */
  migrateTo?: number;
}

function toMessage(row: MessageRow): StoredMessage {
  return {
    target: row.target,
    id: row.id,
    sender: row.sender,
    text: row.body,
    action: row.action === 1,
    time: row.time,
  };
}

const COLUMNS = 'target, id, sender, body, action, time';
/** From schema 4 on, rows are inserted with their ref (null for most). */
const REF_SCHEMA = 4;

/**
 * Rows per INSERT statement, largest first. One statement carrying many rows crosses from
 * JavaScript into SQLite once instead of per row: about a third cheaper per message
 * (docs/benchmarks.md). A batch is covered greedily, so at most 3 statements per size run.
 */
const ROWS_PER_INSERT = [64, 16, 4, 1] as const;

/** The WAL's limit when none is given (the server's is --sqlite-wal-limit). */
export const DEFAULT_WAL_LIMIT_BYTES = 64 * 1024 * 1024;

export class SqliteStore implements HistoryStore {
  readonly backend = 'sqlite';
  /** Moderation, kept in the same database as the history. */
  readonly moderation: SqliteModeration;
  private readonly statements;
  private readonly searchIndex: SqliteSearchIndex;
  private readonly appendAll: (messages: readonly NewMessage[]) => StoredMessage[];
  private readonly inserts = new Map<number, Database.Statement<unknown[]>>();
  /** Columns of an inserted row: 7 with the ref, 6 for a store opened at an older schema. */
  private readonly columnCount: number;
  private readonly refStatements;
  private readonly rooms: SqliteRooms;

  private constructor(
    readonly db: Database.Database,
    schemaVersion: number,
    private readonly lock: DataDirLock,
    private readonly checkpointer: SqliteCheckpointer,
  ) {
    this.columnCount = schemaVersion >= REF_SCHEMA ? 7 : 6;
    this.rooms = new SqliteRooms(db);
    this.moderation = new SqliteModeration(db);
    this.searchIndex = new SqliteSearchIndex(db, schemaVersion);
    this.refStatements =
      schemaVersion >= REF_SCHEMA
        ? {
            find: db.prepare<[string, string], MessageRow>(
              `SELECT ${COLUMNS} FROM messages WHERE sender = ? AND ref = ?`,
            ),
            forget: db.prepare<[string, number]>(
              'UPDATE messages SET ref = NULL WHERE target = ? AND id = ?',
            ),
            prune: db.prepare<[number]>(
              'UPDATE messages SET ref = NULL WHERE ref IS NOT NULL AND time < ?',
            ),
          }
        : undefined;
    this.statements = {
      reserve: db.prepare<[string, number], { last_id: number }>(
        `INSERT INTO targets (key, last_id) VALUES (?, ?)
         ON CONFLICT (key) DO UPDATE SET last_id = last_id + excluded.last_id
         RETURNING last_id`,
      ),
      latest: db.prepare<[string, number], MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE target = ? ORDER BY id DESC LIMIT ?`,
      ),
      before: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE target = ? AND id < ? ORDER BY id DESC LIMIT ?`,
      ),
      after: db.prepare<[string, number, number], MessageRow>(
        `SELECT ${COLUMNS} FROM messages WHERE target = ? AND id > ? ORDER BY id LIMIT ?`,
      ),
      firstId: db.prepare<[string], { id: number | null }>(
        'SELECT min(id) AS id FROM messages WHERE target = ?',
      ),
      // The id counters, moved in the same transaction as the messages they number. The
      // targets come as one JSON array, so any number of them is one prepared statement.
      lastIds: db.prepare<[string], { key: string; last_id: number }>(
        'SELECT key, last_id FROM targets WHERE key IN (SELECT value FROM json_each(?))',
      ),
      // Up to the first row at or after the cutoff, in the order rows were stored: what it
      // walks is what it deletes. A row stored while the clock stood behind an earlier one's
      // goes with the rows around it, a little late, never early.
      pruneOlder: db.prepare<[number]>(
        `DELETE FROM messages WHERE rowid < coalesce(
           (SELECT rowid FROM messages WHERE time >= ? ORDER BY rowid LIMIT 1),
           (SELECT max(rowid) + 1 FROM messages))`,
      ),
      pruneBeyond: db.prepare(
        `DELETE FROM messages WHERE rowid IN (
           SELECT rowid FROM (
             SELECT rowid, row_number() OVER (PARTITION BY target ORDER BY id DESC) AS newer
             FROM messages)
           WHERE newer > ?)`,
      ),
    };
    this.appendAll = db.transaction((batch: readonly NewMessage[]) => {
      // Only a batch with refs pays for their lookups: one indexed read per ref, in process.
      const plan = hasRefs(batch) ? this.planRefs(batch) : undefined;
      const messages = plan ? plan.fresh : batch;
      const counts = new Map<string, number>();
      for (const message of messages)
        counts.set(message.target, (counts.get(message.target) ?? 0) + 1);
      const nextId = new Map<string, number>();
      for (const [target, count] of counts) {
        const { last_id } = this.statements.reserve.get(target, count)!;
        nextId.set(target, last_id - count + 1);
      }
      const stored: StoredMessage[] = messages.map((message) => {
        const id = nextId.get(message.target)!;
        nextId.set(message.target, id + 1);
        return storedMessage(message, id);
      });
      const firstRowid = this.insertRows(stored);
      if (firstRowid !== undefined) this.searchIndex.inCommit(firstRowid);
      return plan ? mergeRefs(plan, stored) : stored;
    });
  }

  async findSent(sender: string, ref: string, since: number): Promise<StoredMessage | undefined> {
    const row = this.refStatements?.find.get(sender, ref);
    if (!row) return undefined;
    const message = toMessage(row);
    return message.time >= since ? message : undefined;
  }

  /** Finds the batch's refs already stored; clears those past the window so theirs can go in. */
  private planRefs(batch: readonly NewMessage[]): RefPlan | undefined {
    const statements = this.refStatements;
    if (!statements) return undefined;
    const known = new Map<string, StoredMessage>();
    for (const message of batch) {
      if (message.ref === undefined) continue;
      const row = statements.find.get(message.sender, message.ref);
      if (row) known.set(refKey(message.sender, message.ref), toMessage(row));
    }
    const plan = planRefs(batch, known);
    for (const old of plan.stale) statements.forget.run(old.target, old.id);
    return plan;
  }

  /** Inserts the rows and returns the rowid of the first. */
  private insertRows(rows: readonly StoredMessage[]): number | undefined {
    let firstRowid: number | undefined;
    let start = 0;
    for (const size of ROWS_PER_INSERT) {
      while (rows.length - start >= size) {
        const columnCount = this.columnCount;
        const values: unknown[] = new Array(size * columnCount);
        for (let i = 0; i < size; i++) {
          const row = rows[start + i]!;
          const at = i * columnCount;
          values[at] = row.target;
          values[at + 1] = row.id;
          values[at + 2] = row.sender;
          values[at + 3] = row.text;
          values[at + 4] = row.action ? 1 : 0;
          values[at + 5] = row.time;
          if (columnCount === 7) values[at + 6] = row.ref ?? null;
        }
        const { lastInsertRowid } = this.insertStatement(size).run(values);
        // One INSERT's rows get consecutive rowids (max + 1 each, inside our transaction).
        firstRowid ??= Number(lastInsertRowid) - (size - 1);
        start += size;
      }
    }
    return firstRowid;
  }

  private insertStatement(rows: number): Database.Statement<unknown[]> {
    let statement = this.inserts.get(rows);
    if (!statement) {
      const placeholders = `(${new Array(this.columnCount).fill('?').join(', ')})`;
      const columns = this.columnCount === 7 ? `${COLUMNS}, ref` : COLUMNS;
      statement = this.db.prepare<unknown[]>(
        `INSERT INTO messages (${columns}) VALUES ${new Array(rows).fill(placeholders).join(', ')}`,
      );
      this.inserts.set(rows, statement);
    }
    return statement;
  }

  static open(options: SqliteStoreOptions): SqliteStore {
    const path = join(options.dataDir, SQLITE_FILE);
    let db: Database.Database | undefined;
    let lock: DataDirLock | undefined;
    try {
      mkdirSync(options.dataDir, { recursive: true });
      lock = DataDirLock.acquire(options.dataDir);
      db = new Database(path);
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'normal'}`);
      db.pragma('foreign_keys = ON');
      db.pragma('busy_timeout = 5000');
      migrate(db, options.migrateTo ?? latestVersion(SQLITE_MIGRATIONS));
      const checkpointer = SqliteCheckpointer.start(db, {
        path,
        synchronous: options.synchronous ?? 'normal',
        walLimitBytes: options.walLimitBytes ?? DEFAULT_WAL_LIMIT_BYTES,
      });
      return new SqliteStore(db, currentVersion(db), lock, checkpointer);
    } catch (error) {
      db?.close();
      lock?.release();
      if (error instanceof DataDirLockedError)
        throw new StoreOpenError(error.message, { cause: error });
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreOpenError(`cannot open the history database ${path}: ${reason}`, {
        cause: error,
      });
    }
  }

  async append(messages: readonly NewMessage[]): Promise<StoredMessage[]> {
    const checkpointing = this.checkpointer.ready();
    if (checkpointing) await checkpointing;
    const stored = this.appendAll(messages);
    this.checkpointer.wrote();
    this.searchIndex.afterCommit(stored.length);
    return stored;
  }

  async latest(target: string, limit: number): Promise<StoredMessage[]> {
    return this.statements.latest.all(target, limit).reverse().map(toMessage);
  }

  async before(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    return this.statements.before.all(target, id, limit).reverse().map(toMessage);
  }

  async after(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    return this.statements.after.all(target, id, limit).map(toMessage);
  }

  async search(target: string, query: string, limit: number): Promise<StoredMessage[]> {
    return this.searchIndex.search(target, query, limit).map(toMessage);
  }

  async firstId(target: string): Promise<number | undefined> {
    return this.statements.firstId.get(target)?.id ?? undefined;
  }

  async lastIds(targets: readonly string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (targets.length === 0) return ids;
    for (const row of this.statements.lastIds.all(JSON.stringify(targets))) {
      ids.set(row.key, row.last_id);
    }
    return ids;
  }

  async saveRoom(room: RoomRecord): Promise<void> {
    this.rooms.save(room);
  }

  async createRoom(room: RoomRecord): Promise<RoomRecord> {
    return this.rooms.create(room);
  }

  async deleteEmptyRoom(key: string): Promise<boolean> {
    return this.rooms.deleteEmpty(key);
  }

  async loadRooms(): Promise<RoomRecord[]> {
    return this.rooms.loadAll();
  }

  async prune(policy: RetentionPolicy): Promise<number> {
    let dropped = 0;
    this.searchIndex.beforeDelete();
    if (policy.olderThan !== undefined)
      dropped += this.statements.pruneOlder.run(policy.olderThan).changes;
    if (policy.maxPerTarget !== undefined) {
      dropped += this.statements.pruneBeyond.run(policy.maxPerTarget).changes;
    }
    if (policy.refsOlderThan !== undefined) this.refStatements?.prune.run(policy.refsOlderThan);
    if (dropped > 0) this.searchIndex.afterDelete();
    return dropped;
  }

  async close(): Promise<void> {
    try {
      if (this.db.open) {
        this.searchIndex.close();
        await this.checkpointer.close();
        this.db.close();
      }
    } finally {
      this.lock.release();
    }
  }

  /** Follows a migration made while open (tests). */
  schemaChanged(): void {
    this.searchIndex.useSchema(currentVersion(this.db));
  }

  schemaVersion(): number {
    return currentVersion(this.db);
  }
}

function currentVersion(db: Database.Database): number {
  db.exec(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)',
  );
  const row = db
    .prepare<[], { version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    )
    .get();
  return row?.version ?? 0;
}

function migrate(db: Database.Database, target: number): void {
  const current = currentVersion(db);
  if (current > latestVersion(SQLITE_MIGRATIONS)) {
    throw new Error(
      `the database has schema version ${current}, newer than this chatroom knows (${latestVersion(SQLITE_MIGRATIONS)})`,
    );
  }
  for (const step of pendingMigrations(SQLITE_MIGRATIONS, current, target)) {
    db.transaction(() => {
      db.exec(step.sql);
      db.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
        step.version,
        step.name,
        Date.now(),
      );
    })();
  }
}

/** Upgrades an open store's schema; used by tests that start from an old schema. */
export function migrateSqlite(store: SqliteStore, target = latestVersion(SQLITE_MIGRATIONS)): void {
  migrate(store.db, target);
  store.schemaChanged();
}

import pg from 'pg';
import {
  type HistoryStore,
  type NewMessage,
  type RetentionPolicy,
  type RoomRecord,
  type StoredMessage,
  storedMessage,
} from '../../core/history.js';
import { latestVersion, pendingMigrations, StoreOpenError } from '../migrations.js';
import { hasRefs, mergeRefs, planRefs, type RefPlan, refKey, refsOf } from '../refs.js';
import { searchWords } from '../search-words.js';
import { DEADLOCK_DETECTED, inTransaction, withClient } from './client.js';
import { POSTGRES_MIGRATIONS } from './migrations.js';
import { PostgresModeration } from './moderation.js';
import { createRoom, deleteEmptyRoom, loadRooms, saveRoom } from './rooms.js';

export interface PostgresStoreOptions {
  url: string;
  /** A schema of its own (created if absent); tests use one each. */
  schema?: string;
  /** How long to wait for a connection before failing the request. */
  connectTimeoutMs?: number;
  /** How long a query may take before it fails, so a hung database cannot stall writes for ever. */
  queryTimeoutMs?: number;
  migrateTo?: number;
  /** Told about connection errors that happen between queries. */
  onError?: (error: Error) => void;
}

interface MessageRow {
  target: string;
  id: string;
  sender: string;
  body: string;
  action: boolean;
  time: string;
}

// BIGINT arrives as a string (it may exceed 2^53); ours are ids and ms timestamps, which don't.
function toMessage(row: MessageRow): StoredMessage {
  return {
    target: row.target,
    id: Number(row.id),
    sender: row.sender,
    text: row.body,
    action: row.action,
    time: Number(row.time),
  };
}

const COLUMNS = 'target, id, sender, body, action, time';
const MIGRATION_LOCK = 7_246_001;
/** From schema 3 on, rows are inserted with their ref. */
const REF_SCHEMA = 3;
/** PostgreSQL's unique_violation: another server stored the same sender and ref meanwhile. */
const UNIQUE_VIOLATION = '23505';

export class PostgresStore implements HistoryStore {
  readonly backend = 'postgres';
  /** Moderation, kept in the same schema as the history. */
  readonly moderation: PostgresModeration;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly withRefs: boolean,
  ) {
    this.moderation = new PostgresModeration(pool);
  }

  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema;
    if (schema !== undefined && !/^[a-z_][a-z0-9_]*$/.test(schema)) {
      throw new StoreOpenError(`invalid schema name ${schema}`);
    }
    const pool = new pg.Pool({
      connectionString: options.url,
      max: 4,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 3000,
      query_timeout: options.queryTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      ...(schema ? { options: `-c search_path=${schema}` } : {}),
    });
    // An idle connection dropped by the server must not crash the process; the next query
    // gets a fresh connection or a clear error.
    pool.on('error', (error) => options.onError?.(error));
    let version: number;
    try {
      version = await withClient(pool, async (client) => {
        await migrate(client, options.migrateTo ?? latestVersion(POSTGRES_MIGRATIONS), schema);
        return currentVersion(client);
      });
    } catch (error) {
      await pool.end().catch(() => {});
      const reason = error instanceof Error ? error.message : String(error);
      throw new StoreOpenError(`cannot open the PostgreSQL history database: ${reason}`, {
        cause: error,
      });
    }
    return new PostgresStore(pool, version >= REF_SCHEMA);
  }

  async append(batch: readonly NewMessage[]): Promise<StoredMessage[]> {
    if (batch.length === 0) return [];
    const lookUpRefs = this.withRefs && hasRefs(batch);
    // Two servers storing the same sender's ref at once: one commits, the other's insert
    // breaks the unique index and is rolled back whole. Tried again, it finds the first.
    // A deadlock should not happen (counters are locked in key order), but if PostgreSQL
    // ever picks this batch as a victim, it too is worth another try before senders hear.
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.appendOnce(batch, lookUpRefs);
      } catch (error) {
        const code = (error as { code?: unknown }).code;
        const retry = (lookUpRefs && code === UNIQUE_VIOLATION) || code === DEADLOCK_DETECTED;
        if (attempt >= 3 || !retry) throw error;
      }
    }
  }

  /** One transaction, looking up the batch's refs first when asked. */
  private async appendOnce(
    batch: readonly NewMessage[],
    lookUpRefs: boolean,
  ): Promise<StoredMessage[]> {
    return inTransaction(this.pool, async (client) => {
      const plan = lookUpRefs ? await this.planRefs(client, batch) : undefined;
      const stored = await this.insert(client, plan ? plan.fresh : batch);
      return plan ? mergeRefs(plan, stored) : stored;
    });
  }

  async findSent(sender: string, ref: string, since: number): Promise<StoredMessage | undefined> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE sender = $1 AND ref = $2 AND time >= $3`,
      [sender, ref, since],
    );
    return rows[0] ? toMessage(rows[0]) : undefined;
  }

  /** Finds the batch's refs already stored, in one query; clears those past the window. */
  private async planRefs(client: pg.PoolClient, batch: readonly NewMessage[]): Promise<RefPlan> {
    const { senders, refs } = refsOf(batch);
    const { rows } = await client.query<MessageRow & { ref: string }>(
      `SELECT ${COLUMNS}, ref FROM messages
       WHERE (sender, ref) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
      [senders, refs],
    );
    const known = new Map<string, StoredMessage>();
    for (const row of rows) known.set(refKey(row.sender, row.ref), toMessage(row));
    const plan = planRefs(batch, known);
    if (plan.stale.length > 0) {
      await client.query(
        `UPDATE messages SET ref = NULL
         WHERE (target, id) IN (SELECT * FROM unnest($1::text[], $2::bigint[]))`,
        [plan.stale.map((m) => m.target), plan.stale.map((m) => m.id)],
      );
    }
    return plan;
  }

  /** Reserves the messages' ids and inserts them, inside the caller's transaction. */
  private async insert(
    client: pg.PoolClient,
    messages: readonly NewMessage[],
  ): Promise<StoredMessage[]> {
    if (messages.length === 0) return [];
    const counts = new Map<string, number>();
    for (const message of messages)
      counts.set(message.target, (counts.get(message.target) ?? 0) + 1);
    // The counters make ids unique even with several servers writing: each transaction
    // reserves a block, and the row lock holds others back until it commits. Every server
    // locks a batch's counters in key order: two batches over the same rooms taken in
    // different orders would deadlock, and PostgreSQL would fail one of them.
    const keys = [...counts.keys()].sort();
    const reserved = await client.query<{ key: string; last_id: string }>(
      `INSERT INTO targets (key, last_id) SELECT * FROM unnest($1::text[], $2::bigint[])
       ON CONFLICT (key) DO UPDATE SET last_id = targets.last_id + excluded.last_id
       RETURNING key, last_id`,
      [keys, keys.map((key) => counts.get(key)!)],
    );
    const nextId = new Map<string, number>();
    for (const row of reserved.rows) {
      nextId.set(row.key, Number(row.last_id) - counts.get(row.key)! + 1);
    }
    const stored = messages.map((message) => {
      const id = nextId.get(message.target)!;
      nextId.set(message.target, id + 1);
      return storedMessage(message, id);
    });
    const columns = [
      stored.map((m) => m.target),
      stored.map((m) => m.id),
      stored.map((m) => m.sender),
      stored.map((m) => m.text),
      stored.map((m) => m.action),
      stored.map((m) => m.time),
    ];
    await client.query(
      this.withRefs
        ? `INSERT INTO messages (${COLUMNS}, ref)
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::bigint[], $7::text[])`
        : `INSERT INTO messages (${COLUMNS})
           SELECT * FROM unnest($1::text[], $2::bigint[], $3::text[], $4::text[], $5::boolean[], $6::bigint[])`,
      this.withRefs ? [...columns, stored.map((m) => m.ref ?? null)] : columns,
    );
    return stored;
  }

  async latest(target: string, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE target = $1 ORDER BY id DESC LIMIT $2`,
      [target, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async before(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE target = $1 AND id < $2 ORDER BY id DESC LIMIT $3`,
      [target, id, limit],
    );
    return rows.reverse().map(toMessage);
  }

  async after(target: string, id: number, limit: number): Promise<StoredMessage[]> {
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages WHERE target = $1 AND id > $2 ORDER BY id LIMIT $3`,
      [target, id, limit],
    );
    return rows.map(toMessage);
  }

  async search(target: string, query: string, limit: number): Promise<StoredMessage[]> {
    const words = searchWords(query);
    if (words.length === 0) return [];
    const { rows } = await this.pool.query<MessageRow>(
      `SELECT ${COLUMNS} FROM messages
       WHERE target = $1 AND body_tsv @@ plainto_tsquery('simple', $2)
       ORDER BY id DESC LIMIT $3`,
      [target, words.join(' '), limit],
    );
    return rows.map(toMessage);
  }

  async firstId(target: string): Promise<number | undefined> {
    const { rows } = await this.pool.query<{ id: string | null }>(
      'SELECT min(id) AS id FROM messages WHERE target = $1',
      [target],
    );
    return rows[0]?.id == null ? undefined : Number(rows[0].id);
  }

  async lastIds(targets: readonly string[]): Promise<Map<string, number>> {
    const ids = new Map<string, number>();
    if (targets.length === 0) return ids;
    // The counters, not max(id) of the messages: pruning does not lower them, and an append
    // moves them in its own transaction, so they show only committed messages.
    const { rows } = await this.pool.query<{ key: string; last_id: string }>(
      'SELECT key, last_id FROM targets WHERE key = ANY($1::text[])',
      [targets],
    );
    for (const row of rows) ids.set(row.key, Number(row.last_id));
    return ids;
  }

  async saveRoom(room: RoomRecord): Promise<void> {
    await saveRoom(this.pool, room);
  }

  async createRoom(room: RoomRecord): Promise<RoomRecord> {
    return createRoom(this.pool, room);
  }

  async deleteEmptyRoom(key: string): Promise<boolean> {
    return deleteEmptyRoom(this.pool, key);
  }

  async loadRooms(): Promise<RoomRecord[]> {
    return loadRooms(this.pool);
  }

  async prune(policy: RetentionPolicy): Promise<number> {
    let dropped = 0;
    if (policy.olderThan !== undefined) {
      dropped +=
        (await this.pool.query('DELETE FROM messages WHERE time < $1', [policy.olderThan]))
          .rowCount ?? 0;
    }
    if (policy.maxPerTarget !== undefined) {
      const result = await this.pool.query(
        `DELETE FROM messages m USING (
           SELECT target, id, row_number() OVER (PARTITION BY target ORDER BY id DESC) AS newer
           FROM messages) ranked
         WHERE m.target = ranked.target AND m.id = ranked.id AND ranked.newer > $1`,
        [policy.maxPerTarget],
      );
      dropped += result.rowCount ?? 0;
    }
    if (policy.refsOlderThan !== undefined && this.withRefs) {
      await this.pool.query('UPDATE messages SET ref = NULL WHERE ref IS NOT NULL AND time < $1', [
        policy.refsOlderThan,
      ]);
    }
    return dropped;
  }

  async close(): Promise<void> {
    if (!this.pool.ended) await this.pool.end();
  }

  async schemaVersion(): Promise<number> {
    return withClient(this.pool, currentVersion);
  }

  /** Upgrades the schema; used by tests that start from an old one. */
  async migrate(target = latestVersion(POSTGRES_MIGRATIONS)): Promise<void> {
    await withClient(this.pool, (client) => migrate(client, target));
  }
}

async function currentVersion(client: pg.PoolClient): Promise<number> {
  await client.query(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const { rows } = await client.query<{ version: number | null }>(
    'SELECT max(version) AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? 0;
}

async function migrate(client: pg.PoolClient, target: number, schema?: string): Promise<void> {
  // Several servers may start at once against one database: one migrates, the others wait.
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    // Under the lock too: CREATE SCHEMA IF NOT EXISTS run by two servers at once on a new
    // schema fails in one of them with a duplicate key.
    if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const current = await currentVersion(client);
    if (current > latestVersion(POSTGRES_MIGRATIONS)) {
      throw new Error(
        `the database has schema version ${current}, newer than this chatroom knows (${latestVersion(POSTGRES_MIGRATIONS)})`,
      );
    }
    for (const step of pendingMigrations(POSTGRES_MIGRATIONS, current, target)) {
      await client.query('BEGIN');
      try {
        await client.query(step.sql);
        await client.query(
          'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          [step.version, step.name, Date.now()],
        );
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

import type { Migration } from '../migrations.js';

export const SQLITE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms, message counters and messages',
    sql: `
      CREATE TABLE rooms (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        topic TEXT NOT NULL DEFAULT '',
        topic_set_by TEXT,
        topic_set_at INTEGER,
        created_by TEXT NOT NULL,
        created_at INTEGER NOT NULL
      );
      -- A counter per target, so ids are never reused even after retention empties a room.
      CREATE TABLE targets (
        key TEXT PRIMARY KEY,
        last_id INTEGER NOT NULL
      );
      CREATE TABLE messages (
        target TEXT NOT NULL,
        id INTEGER NOT NULL,
        sender TEXT NOT NULL,
        body TEXT NOT NULL,
        action INTEGER NOT NULL,
        time INTEGER NOT NULL,
        UNIQUE (target, id)
      );
      CREATE INDEX messages_time ON messages (time);
    `,
  },
  {
    version: 2,
    name: 'full-text search',
    sql: `
      CREATE VIRTUAL TABLE messages_fts USING fts5(body, content='messages', content_rowid='rowid');
      CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
        INSERT INTO messages_fts (rowid, body) VALUES (new.rowid, new.body);
      END;
      CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      END;
      INSERT INTO messages_fts (messages_fts) VALUES ('rebuild');
    `,
  },
  {
    version: 3,
    name: 'index each batch at once instead of row by row',
    // The store now indexes a whole batch with one INSERT ... SELECT, about three times
    // cheaper than a trigger firing per row (docs/benchmarks.md).
    sql: 'DROP TRIGGER messages_fts_insert;',
  },
  {
    version: 4,
    name: 'client refs, so a retried send is stored once',
    // Null for sends without a ref (every door but WebSocket), which the partial indexes skip:
    // they cost nothing there. Unique per sender, so a retry across a restart is found; refs
    // older than the window are set back to null by pruning (docs/history.md).
    sql: `
      ALTER TABLE messages ADD COLUMN ref TEXT;
      CREATE UNIQUE INDEX messages_ref ON messages (sender, ref) WHERE ref IS NOT NULL;
      CREATE INDEX messages_ref_time ON messages (time) WHERE ref IS NOT NULL;
    `,
  },
  {
    version: 5,
    name: 'moderation: room modes, roles, sanctions, audit log, secrets',
    // Masks match without regard to case: mask_key is the mask lower-cased (by JavaScript,
    // whose case folding covers more than ASCII, unlike SQLite's lower()), and one sanction
    // is kept per key. AUTOINCREMENT so an audit id is never given twice, even after the
    // newest entries are deleted.
    sql: `
      CREATE TABLE room_modes (
        room TEXT PRIMARY KEY,
        moderated INTEGER NOT NULL,
        no_outside INTEGER NOT NULL,
        topic_lock INTEGER NOT NULL,
        invite_only INTEGER NOT NULL,
        secret INTEGER NOT NULL,
        key TEXT,
        member_limit INTEGER
      );
      CREATE TABLE room_roles (
        room TEXT NOT NULL,
        nick TEXT NOT NULL,
        roles INTEGER NOT NULL,
        PRIMARY KEY (room, nick)
      );
      CREATE INDEX room_roles_nick ON room_roles (nick);
      CREATE TABLE sanctions (
        room TEXT NOT NULL,
        kind TEXT NOT NULL,
        mask TEXT NOT NULL,
        mask_key TEXT NOT NULL,
        set_by TEXT NOT NULL,
        set_at INTEGER NOT NULL,
        expires_at INTEGER,
        reason TEXT NOT NULL,
        PRIMARY KEY (room, kind, mask_key)
      );
      CREATE TABLE audit_log (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        room TEXT NOT NULL,
        time INTEGER NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        reason TEXT NOT NULL,
        expires_at INTEGER
      );
      CREATE INDEX audit_log_room ON audit_log (room, id);
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
  {
    version: 6,
    name: 'the search index follows the messages instead of being fed in each commit',
    // Everything stored so far is indexed (schema 3 indexed in the commit): the index starts
    // caught up. search_progress is moved in the same transaction as the rows it indexes.
    sql: `
      CREATE TABLE search_progress (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        indexed_through INTEGER NOT NULL
      );
      INSERT INTO search_progress (id, indexed_through)
        SELECT 1, coalesce(max(rowid), 0) FROM messages;
    `,
  },
  {
    version: 7,
    name: 'retention finds its boundary by rowid instead of a time index',
    // Every commit paid for the time index (about a tenth of an append) so that pruning, once
    // a day, could find old rows. Rows are appended in time order, so the oldest rows are the
    // first by rowid and pruning walks from there (docs/history.md).
    sql: 'DROP INDEX messages_time;',
  },
  {
    version: 8,
    name: 'a search index of which rows hold which words, without positions or lengths',
    // Searches match whole words, all of them, newest first: they use neither word positions
    // (phrases, NEAR, highlighting) nor column sizes (bm25). Without both, and with fewer
    // segment merges, indexing a row costs about half as much (BENCHMARKS.md). The index is
    // built again from the messages at the next start, in chunks (search-index.ts).
    sql: `
      DROP TABLE messages_fts;
      CREATE VIRTUAL TABLE messages_fts USING fts5(
        body, content='messages', content_rowid='rowid', detail=none, columnsize=0);
      INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 8);
      UPDATE search_progress SET indexed_through = 0;
    `,
  },
];

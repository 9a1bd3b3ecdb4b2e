import type { Migration } from '../migrations.js';

export const POSTGRES_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'rooms, message counters and messages',
    sql: `
      CREATE TABLE rooms (
        key TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        topic TEXT NOT NULL DEFAULT '',
        topic_set_by TEXT,
        topic_set_at BIGINT,
        created_by TEXT NOT NULL,
        created_at BIGINT NOT NULL
      );
      -- A counter per target, so ids are never reused even after retention empties a room.
      CREATE TABLE targets (
        key TEXT PRIMARY KEY,
        last_id BIGINT NOT NULL
      );
      CREATE TABLE messages (
        target TEXT NOT NULL,
        id BIGINT NOT NULL,
        sender TEXT NOT NULL,
        body TEXT NOT NULL,
        action BOOLEAN NOT NULL,
        time BIGINT NOT NULL,
        PRIMARY KEY (target, id)
      );
      CREATE INDEX messages_time ON messages (time);
    `,
  },
  {
    version: 2,
    name: 'full-text search',
    sql: `
      -- 'simple': no language-specific stemming, so search behaves the same for every language.
      ALTER TABLE messages
        ADD COLUMN body_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED;
      CREATE INDEX messages_body_tsv ON messages USING GIN (body_tsv);
    `,
  },
  {
    version: 3,
    name: 'client refs, so a retried send is stored once',
    // As in SQLite: null without a ref, unique per sender, cleared by pruning past the window.
    sql: `
      ALTER TABLE messages ADD COLUMN ref TEXT;
      CREATE UNIQUE INDEX messages_ref ON messages (sender, ref) WHERE ref IS NOT NULL;
      CREATE INDEX messages_ref_time ON messages (time) WHERE ref IS NOT NULL;
    `,
  },
  {
    version: 4,
    name: 'moderation: room modes, roles, sanctions, audit log, secrets',
    // As in SQLite: mask_key is the mask lower-cased by the server, one sanction per key.
    // Audit ids come from an identity column, so servers sharing the database never give
    // the same id twice (nor reuse one after a rollback).
    sql: `
      CREATE TABLE room_modes (
        room TEXT PRIMARY KEY,
        moderated BOOLEAN NOT NULL,
        no_outside BOOLEAN NOT NULL,
        topic_lock BOOLEAN NOT NULL,
        invite_only BOOLEAN NOT NULL,
        secret BOOLEAN NOT NULL,
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
        set_at BIGINT NOT NULL,
        expires_at BIGINT,
        reason TEXT NOT NULL,
        PRIMARY KEY (room, kind, mask_key)
      );
      CREATE TABLE audit_log (
        id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        room TEXT NOT NULL,
        time BIGINT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        target TEXT NOT NULL,
        reason TEXT NOT NULL,
        expires_at BIGINT
      );
      CREATE INDEX audit_log_room ON audit_log (room, id);
      CREATE TABLE secrets (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
      );
    `,
  },
];

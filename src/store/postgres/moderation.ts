import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import type {
  AuditEntry,
  ModerationChange,
  ModerationSnapshot,
  ModerationStore,
  NewAuditEntry,
  RoleRecord,
} from '../../core/moderation/types.js';
import {
  type AuditRow,
  type ModesRow,
  maskKey,
  modesValues,
  type SanctionRow,
  toAuditEntry,
  toModes,
  toSanction,
} from '../moderation-rows.js';
import { DEADLOCK_DETECTED, inTransaction } from './client.js';

/** Every audit id is below this: `before` for a read that starts at the newest entry. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

const SET_MODES = `INSERT INTO room_modes
    (room, moderated, no_outside, topic_lock, invite_only, secret, key, member_limit)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (room) DO UPDATE SET moderated = excluded.moderated,
    no_outside = excluded.no_outside, topic_lock = excluded.topic_lock,
    invite_only = excluded.invite_only, secret = excluded.secret, key = excluded.key,
    member_limit = excluded.member_limit`;

// A mask given again in another case replaces the sanction, spelling and all.
const SET_SANCTION = `INSERT INTO sanctions
    (room, kind, mask, mask_key, set_by, set_at, expires_at, reason)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (room, kind, mask_key) DO UPDATE SET mask = excluded.mask,
    set_by = excluded.set_by, set_at = excluded.set_at, expires_at = excluded.expires_at,
    reason = excluded.reason`;

const AUDIT = `INSERT INTO audit_log (room, time, actor, action, target, reason, expires_at)
  VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`;

/** Moderation kept in the PostgreSQL store's schema, shared by every server node on it. */
export class PostgresModeration implements ModerationStore {
  constructor(private readonly pool: pg.Pool) {}

  async loadModeration(now: number, room?: string): Promise<ModerationSnapshot> {
    // Sanctions that lifted by themselves are of no more use; the audit log keeps their story.
    await this.pool.query(
      'DELETE FROM sanctions WHERE expires_at IS NOT NULL AND expires_at <= $1',
      [now],
    );
    // One snapshot for the three reads, so another node's moderate() is seen whole or not at
    // all. The delete stays outside: in REPEATABLE READ it could fail on a row that another
    // node sets again meanwhile.
    return inTransaction(
      this.pool,
      async (client) => {
        // $1 null: every room's.
        const only = [room ?? null];
        const modes = await client.query<ModesRow>(
          'SELECT * FROM room_modes WHERE ($1::text IS NULL OR room = $1) ORDER BY room',
          only,
        );
        const roles = await client.query<RoleRecord>(
          `SELECT room, nick, roles FROM room_roles WHERE ($1::text IS NULL OR room = $1)
           ORDER BY room, nick`,
          only,
        );
        const sanctions = await client.query<SanctionRow>(
          `SELECT room, kind, mask, set_by, set_at, expires_at, reason FROM sanctions
           WHERE ($1::text IS NULL OR room = $1) ORDER BY room, kind, mask_key`,
          only,
        );
        return {
          modes: modes.rows.map((row) => ({ room: row.room, modes: toModes(row) })),
          roles: roles.rows,
          sanctions: sanctions.rows.map(toSanction),
        };
      },
      'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY',
    );
  }

  async moderate(
    changes: readonly ModerationChange[],
    entries: readonly NewAuditEntry[],
  ): Promise<AuditEntry[]> {
    // Two nodes changing the same rows in opposite orders may deadlock; PostgreSQL rolls one
    // back whole, so it is safe to try again.
    for (let attempt = 1; ; attempt++) {
      try {
        return await inTransaction(this.pool, async (client) => {
          for (const change of changes) await apply(client, change);
          const stored: AuditEntry[] = [];
          // One at a time: ids follow the entries' order, which a multi-row RETURNING does
          // not promise.
          for (const entry of entries) stored.push(await append(client, entry));
          return stored;
        });
      } catch (error) {
        if (attempt >= 3 || (error as { code?: unknown }).code !== DEADLOCK_DETECTED) throw error;
      }
    }
  }

  async renameRoles(oldNick: string, newNick: string): Promise<void> {
    // Merged into itself and then dropped, a nickname would lose its roles.
    if (oldNick === newNick) return;
    await inTransaction(this.pool, async (client) => {
      await client.query(
        `INSERT INTO room_roles (room, nick, roles)
         SELECT room, $2, roles FROM room_roles WHERE nick = $1
         ON CONFLICT (room, nick) DO UPDATE SET roles = room_roles.roles | excluded.roles`,
        [oldNick, newNick],
      );
      await client.query('DELETE FROM room_roles WHERE nick = $1', [oldNick]);
    });
  }

  async readAudit(query: { room?: string; limit: number; before?: number }): Promise<AuditEntry[]> {
    const before = query.before ?? NO_LIMIT;
    const { rows } =
      query.room === undefined
        ? await this.pool.query<AuditRow>(
            'SELECT * FROM audit_log WHERE id < $1 ORDER BY id DESC LIMIT $2',
            [before, query.limit],
          )
        : await this.pool.query<AuditRow>(
            'SELECT * FROM audit_log WHERE room = $1 AND id < $2 ORDER BY id DESC LIMIT $3',
            [query.room, before, query.limit],
          );
    return rows.map(toAuditEntry);
  }

  async forgetRoom(room: string): Promise<void> {
    await inTransaction(this.pool, async (client) => {
      await client.query('DELETE FROM room_modes WHERE room = $1', [room]);
      await client.query('DELETE FROM room_roles WHERE room = $1', [room]);
      await client.query('DELETE FROM sanctions WHERE room = $1', [room]);
    });
  }

  /**
   * Nodes starting at once each offer a value; the insert lets exactly one in, and the others
   * wait for it to commit. The read is a statement of its own, with a snapshot taken after
   * that commit (a read in the insert's statement would miss the winner's row).
   */
  async secret(name: string): Promise<string> {
    await this.pool.query(
      'INSERT INTO secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING',
      [name, randomBytes(32).toString('base64url')],
    );
    const { rows } = await this.pool.query<{ value: string }>(
      'SELECT value FROM secrets WHERE name = $1',
      [name],
    );
    return rows[0]!.value;
  }
}

async function apply(client: pg.PoolClient, change: ModerationChange): Promise<void> {
  switch (change.kind) {
    case 'modes':
      await client.query(SET_MODES, [change.room, ...modesValues(change.modes)]);
      return;
    case 'roles':
      if (change.roles === 0) {
        await client.query('DELETE FROM room_roles WHERE room = $1 AND nick = $2', [
          change.room,
          change.nick,
        ]);
      } else {
        await client.query(
          `INSERT INTO room_roles (room, nick, roles) VALUES ($1, $2, $3)
           ON CONFLICT (room, nick) DO UPDATE SET roles = excluded.roles`,
          [change.room, change.nick, change.roles],
        );
      }
      return;
    case 'sanction': {
      const s = change.sanction;
      await client.query(SET_SANCTION, [
        s.room,
        s.kind,
        s.mask,
        maskKey(s.mask),
        s.setBy,
        s.setAt,
        s.expiresAt ?? null,
        s.reason,
      ]);
      return;
    }
    case 'lift':
      await client.query('DELETE FROM sanctions WHERE room = $1 AND kind = $2 AND mask_key = $3', [
        change.room,
        change.sanction,
        maskKey(change.mask),
      ]);
      return;
  }
}

async function append(client: pg.PoolClient, entry: NewAuditEntry): Promise<AuditEntry> {
  const { rows } = await client.query<{ id: string }>(AUDIT, [
    entry.room,
    entry.time,
    entry.actor,
    entry.action,
    entry.target,
    entry.reason,
    entry.expiresAt ?? null,
  ]);
  return { ...entry, id: Number(rows[0]!.id) };
}

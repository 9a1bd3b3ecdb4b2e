import { randomBytes } from 'node:crypto';
import type Database from 'better-sqlite3';
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

/** Every audit id is below this: `before` for a read that starts at the newest entry. */
const NO_LIMIT = Number.MAX_SAFE_INTEGER;

function prepare(db: Database.Database) {
  return {
    setModes: db.prepare<unknown[]>(
      `INSERT INTO room_modes
         (room, moderated, no_outside, topic_lock, invite_only, secret, key, member_limit)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room) DO UPDATE SET moderated = excluded.moderated,
         no_outside = excluded.no_outside, topic_lock = excluded.topic_lock,
         invite_only = excluded.invite_only, secret = excluded.secret, key = excluded.key,
         member_limit = excluded.member_limit`,
    ),
    setRoles: db.prepare<[string, string, number]>(
      `INSERT INTO room_roles (room, nick, roles) VALUES (?, ?, ?)
       ON CONFLICT (room, nick) DO UPDATE SET roles = excluded.roles`,
    ),
    removeRoles: db.prepare<[string, string]>('DELETE FROM room_roles WHERE room = ? AND nick = ?'),
    // The old nickname's bits join the new one's wherever it held some.
    mergeRoles: db.prepare<{ oldNick: string; newNick: string }>(
      `INSERT INTO room_roles (room, nick, roles)
       SELECT room, @newNick, roles FROM room_roles WHERE nick = @oldNick
       ON CONFLICT (room, nick) DO UPDATE SET roles = roles | excluded.roles`,
    ),
    dropNick: db.prepare<[string]>('DELETE FROM room_roles WHERE nick = ?'),
    // A mask given again in another case replaces the sanction, spelling and all.
    setSanction: db.prepare<unknown[]>(
      `INSERT INTO sanctions
         (room, kind, mask, mask_key, set_by, set_at, expires_at, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (room, kind, mask_key) DO UPDATE SET mask = excluded.mask,
         set_by = excluded.set_by, set_at = excluded.set_at, expires_at = excluded.expires_at,
         reason = excluded.reason`,
    ),
    lift: db.prepare<[string, string, string]>(
      'DELETE FROM sanctions WHERE room = ? AND kind = ? AND mask_key = ?',
    ),
    audit: db.prepare<unknown[]>(
      `INSERT INTO audit_log (room, time, actor, action, target, reason, expires_at)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ),
    dropExpired: db.prepare<[number]>(
      'DELETE FROM sanctions WHERE expires_at IS NOT NULL AND expires_at <= ?',
    ),
    // `room` null: every room's.
    loadModes: db.prepare<[{ room: string | null }], ModesRow>(
      'SELECT * FROM room_modes WHERE (@room IS NULL OR room = @room) ORDER BY room',
    ),
    loadRoles: db.prepare<[{ room: string | null }], RoleRecord>(
      `SELECT room, nick, roles FROM room_roles WHERE (@room IS NULL OR room = @room)
       ORDER BY room, nick`,
    ),
    loadSanctions: db.prepare<[{ room: string | null }], SanctionRow>(
      `SELECT room, kind, mask, set_by, set_at, expires_at, reason FROM sanctions
       WHERE (@room IS NULL OR room = @room) ORDER BY room, kind, mask_key`,
    ),
    readAll: db.prepare<[number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE id < ? ORDER BY id DESC LIMIT ?',
    ),
    readRoom: db.prepare<[string, number, number], AuditRow>(
      'SELECT * FROM audit_log WHERE room = ? AND id < ? ORDER BY id DESC LIMIT ?',
    ),
    forgetModes: db.prepare<[string]>('DELETE FROM room_modes WHERE room = ?'),
    forgetRoles: db.prepare<[string]>('DELETE FROM room_roles WHERE room = ?'),
    forgetSanctions: db.prepare<[string]>('DELETE FROM sanctions WHERE room = ?'),
    addSecret: db.prepare<[string, string]>(
      'INSERT INTO secrets (name, value) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    ),
    secret: db.prepare<[string], { value: string }>('SELECT value FROM secrets WHERE name = ?'),
  };
}

type Statements = ReturnType<typeof prepare>;

/** Moderation kept in the SQLite store's database, through statements prepared once. */
export class SqliteModeration implements ModerationStore {
  // Prepared on first use: a store opened at a schema from before moderation (tests) has
  // none of its tables until it is migrated.
  private prepared: Statements | undefined;
  private readonly moderateAll: (
    changes: readonly ModerationChange[],
    entries: readonly NewAuditEntry[],
  ) => AuditEntry[];
  private readonly renameAll: (oldNick: string, newNick: string) => void;
  private readonly forgetAll: (room: string) => void;

  constructor(private readonly db: Database.Database) {
    this.moderateAll = db.transaction(
      (changes: readonly ModerationChange[], entries: readonly NewAuditEntry[]) => {
        for (const change of changes) this.apply(change);
        return entries.map((entry) => this.append(entry));
      },
    );
    this.renameAll = db.transaction((oldNick: string, newNick: string) => {
      this.statements.mergeRoles.run({ oldNick, newNick });
      this.statements.dropNick.run(oldNick);
    });
    this.forgetAll = db.transaction((room: string) => {
      this.statements.forgetModes.run(room);
      this.statements.forgetRoles.run(room);
      this.statements.forgetSanctions.run(room);
    });
  }

  private get statements(): Statements {
    this.prepared ??= prepare(this.db);
    return this.prepared;
  }

  async loadModeration(now: number, room?: string): Promise<ModerationSnapshot> {
    const statements = this.statements;
    // Sanctions that lifted by themselves are of no more use; the audit log keeps their story.
    statements.dropExpired.run(now);
    const only = { room: room ?? null };
    return {
      modes: statements.loadModes.all(only).map((row) => ({ room: row.room, modes: toModes(row) })),
      roles: statements.loadRoles.all(only),
      sanctions: statements.loadSanctions.all(only).map(toSanction),
    };
  }

  async moderate(
    changes: readonly ModerationChange[],
    entries: readonly NewAuditEntry[],
  ): Promise<AuditEntry[]> {
    return this.moderateAll(changes, entries);
  }

  async renameRoles(oldNick: string, newNick: string): Promise<void> {
    // Merged into itself and then dropped, a nickname would lose its roles.
    if (oldNick === newNick) return;
    this.renameAll(oldNick, newNick);
  }

  async readAudit(query: { room?: string; limit: number; before?: number }): Promise<AuditEntry[]> {
    const before = query.before ?? NO_LIMIT;
    const rows =
      query.room === undefined
        ? this.statements.readAll.all(before, query.limit)
        : this.statements.readRoom.all(query.room, before, query.limit);
    return rows.map(toAuditEntry);
  }

  async forgetRoom(room: string): Promise<void> {
    this.forgetAll(room);
  }

  async secret(name: string): Promise<string> {
    this.statements.addSecret.run(name, randomBytes(32).toString('base64url'));
    return this.statements.secret.get(name)!.value;
  }

  private apply(change: ModerationChange): void {
    const statements = this.statements;
    switch (change.kind) {
      case 'modes':
        // SQLite binds no booleans: flags go in as 0 or 1.
        statements.setModes.run(
          change.room,
          ...modesValues(change.modes).map((value) =>
            typeof value === 'boolean' ? Number(value) : value,
          ),
        );
        return;
      case 'roles':
        if (change.roles === 0) statements.removeRoles.run(change.room, change.nick);
        else statements.setRoles.run(change.room, change.nick, change.roles);
        return;
      case 'sanction': {
        const s = change.sanction;
        statements.setSanction.run(
          s.room,
          s.kind,
          s.mask,
          maskKey(s.mask),
          s.setBy,
          s.setAt,
          s.expiresAt ?? null,
          s.reason,
        );
        return;
      }
      case 'lift':
        statements.lift.run(change.room, change.sanction, maskKey(change.mask));
        return;
    }
  }

  private append(entry: NewAuditEntry): AuditEntry {
    const { lastInsertRowid } = this.statements.audit.run(
      entry.room,
      entry.time,
      entry.actor,
      entry.action,
      entry.target,
      entry.reason,
      entry.expiresAt ?? null,
    );
    return { ...entry, id: Number(lastInsertRowid) };
  }
}

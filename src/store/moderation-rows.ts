import type { AuditEntry, RoomModes, Sanction, SanctionKind } from '../core/moderation/types.js';

/**
 * The rows of moderation's tables as both SQL backends read them back. SQLite gives flags as
 * 0 or 1 and integers as numbers; PostgreSQL gives booleans, and BIGINT as strings (it may
 * exceed 2^53; ours are ids and ms timestamps, which don't).
 */
type Flag = boolean | number;
type BigInteger = number | string;

export interface ModesRow {
  room: string;
  moderated: Flag;
  no_outside: Flag;
  topic_lock: Flag;
  invite_only: Flag;
  secret: Flag;
  key: string | null;
  member_limit: number | null;
}

export interface SanctionRow {
  room: string;
  kind: string;
  mask: string;
  set_by: string;
  set_at: BigInteger;
  expires_at: BigInteger | null;
  reason: string;
}

export interface AuditRow {
  id: BigInteger;
  room: string;
  time: BigInteger;
  actor: string;
  action: string;
  target: string;
  reason: string;
  expires_at: BigInteger | null;
}

/** Masks match without regard to case: one sanction per room, kind and this key. */
export function maskKey(mask: string): string {
  return mask.toLowerCase();
}

export function toModes(row: ModesRow): RoomModes {
  const modes: RoomModes = {
    moderated: Boolean(row.moderated),
    noOutside: Boolean(row.no_outside),
    topicLock: Boolean(row.topic_lock),
    inviteOnly: Boolean(row.invite_only),
    secret: Boolean(row.secret),
  };
  if (row.key !== null) modes.key = row.key;
  if (row.member_limit !== null) modes.limit = row.member_limit;
  return modes;
}

export function toSanction(row: SanctionRow): Sanction {
  const sanction: Sanction = {
    room: row.room,
    kind: row.kind as SanctionKind,
    mask: row.mask,
    setBy: row.set_by,
    setAt: Number(row.set_at),
    reason: row.reason,
  };
  if (row.expires_at !== null) sanction.expiresAt = Number(row.expires_at);
  return sanction;
}

export function toAuditEntry(row: AuditRow): AuditEntry {
  const entry: AuditEntry = {
    id: Number(row.id),
    room: row.room,
    time: Number(row.time),
    actor: row.actor,
    action: row.action,
    target: row.target,
    reason: row.reason,
  };
  if (row.expires_at !== null) entry.expiresAt = Number(row.expires_at);
  return entry;
}

/** The columns of room_modes after `room`, in table order, for an insert. */
export function modesValues(modes: RoomModes): unknown[] {
  return [
    modes.moderated,
    modes.noOutside,
    modes.topicLock,
    modes.inviteOnly,
    modes.secret,
    modes.key ?? null,
    modes.limit ?? null,
  ];
}

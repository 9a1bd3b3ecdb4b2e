/**
 * What moderation keeps: rooms' modes, who holds which role in a room, bans and mutes, and
 * the audit log of every action. Keys are case-folded (room keys, nickname keys); a sanction
 * with the room '' holds on the whole server.
 */

/** Roles as bits, so a member may hold several at once (an owner is an operator too). */
export const ROLE_VOICE = 1;
export const ROLE_OP = 2;
export const ROLE_OWNER = 4;

export type RoleName = 'owner' | 'op' | 'voice';

export const ROLE_BITS: Readonly<Record<RoleName, number>> = {
  owner: ROLE_OWNER,
  op: ROLE_OP,
  voice: ROLE_VOICE,
};

/** The highest role among the bits: what decides who may act on whom. */
export function rank(roles: number): number {
  if (roles & ROLE_OWNER) return 3;
  if (roles & ROLE_OP) return 2;
  if (roles & ROLE_VOICE) return 1;
  return 0;
}

export interface RoomModes {
  /** +m: only voiced members or higher may speak. */
  moderated: boolean;
  /** +n: only members may send to the room. */
  noOutside: boolean;
  /** +t: only operators may set the topic. */
  topicLock: boolean;
  /** +i: only the invited (and operators) may join. */
  inviteOnly: boolean;
  /** +s: left out of room lists and of WHOIS for those outside it. */
  secret: boolean;
  /** +k: the key a joiner must give. */
  key?: string;
  /** +l: the most members the room takes. */
  limit?: number;
}

/** A new room's modes: topic lock and no outside messages, as on most IRC servers. */
export const NEW_ROOM_MODES: Readonly<RoomModes> = {
  moderated: false,
  noOutside: true,
  topicLock: true,
  inviteOnly: false,
  secret: false,
};

export type SanctionKind = 'ban' | 'mute';

/** The room of a server-wide sanction (set by server operators). */
export const SERVER_WIDE = '';

export interface Sanction {
  /** Room key, or SERVER_WIDE. */
  room: string;
  kind: SanctionKind;
  /** nick!user@host with * and ? wildcards, as given (matched without regard to case). */
  mask: string;
  setBy: string;
  setAt: number;
  /** When it lifts by itself (ms since the epoch); undefined: until lifted. */
  expiresAt?: number;
  reason: string;
}

export interface AuditEntry {
  /** Increases with every entry, over all rooms. */
  id: number;
  /** Room key, or SERVER_WIDE for server operators' actions. */
  room: string;
  time: number;
  /** Who acted (a nickname, or the server itself). */
  actor: string;
  /** What was done: 'kick', 'ban', 'unban', 'mute', 'unmute', 'mode', 'op', 'kill', ... */
  action: string;
  /** On whom or what: a nickname, a mask, or a mode string. */
  target: string;
  reason: string;
  expiresAt?: number;
}

export type NewAuditEntry = Omit<AuditEntry, 'id'>;

/** What holds on a member speaking in a room, as last worked out (see enforcement.ts). */
export interface SpeakVerdict {
  readonly roomVersion: number;
  readonly serverVersion: number;
  /** The nickname it was worked out for: masks match nicknames. */
  readonly nickKey: string | undefined;
  readonly mute: Sanction | undefined;
  readonly ban: Sanction | undefined;
}

export interface RoomModesRecord {
  room: string;
  modes: RoomModes;
}

export interface RoleRecord {
  room: string;
  nick: string;
  /** ROLE_* bits; never 0 in the store (0 removes the record). */
  roles: number;
}

/** One change to what moderation keeps. */
export type ModerationChange =
  | { kind: 'modes'; room: string; modes: RoomModes }
  /** roles 0: the nickname holds none in the room any more. */
  | { kind: 'roles'; room: string; nick: string; roles: number }
  /** Sets a sanction, replacing one of the same room, kind and mask. */
  | { kind: 'sanction'; sanction: Sanction }
  | { kind: 'lift'; room: string; sanction: SanctionKind; mask: string };

export interface ModerationSnapshot {
  modes: RoomModesRecord[];
  roles: RoleRecord[];
  /** Those in force at `now`: expired ones are left out (and may be deleted). */
  sanctions: Sanction[];
}

/**
 * Where moderation is kept, next to the history: changes and their audit entries are written
 * together, so no action takes effect without its entry and no entry stands for nothing.
 */
export interface ModerationStore {
  /** Every room's (and the server's), or with `room`, that room's only. */
  loadModeration(now: number, room?: string): Promise<ModerationSnapshot>;
  /**
   * Applies the changes and appends the entries (given ids in order), in one transaction;
   * returns the entries as stored.
   */
  moderate(
    changes: readonly ModerationChange[],
    entries: readonly NewAuditEntry[],
  ): Promise<AuditEntry[]>;
  /**
   * A nickname's roles go with its holder to a new nickname (in every room): they add to any
   * the new nickname held.
   */
  renameRoles(oldNick: string, newNick: string): Promise<void>;
  /**
   * The newest `limit` entries older than id `before` (if given), newest first: one room's,
   * or with `room` undefined, every room's and the server's.
   */
  readAudit(query: { room?: string; limit: number; before?: number }): Promise<AuditEntry[]>;
  /** Forgets a room's modes, roles and sanctions (the room expired); its audit log stays. */
  forgetRoom(room: string): Promise<void>;
  /**
   * A random secret kept under this name, made on first use (concurrent first uses agree):
   * the same for every server node on one store, and across restarts (the key of host cloaks).
   */
  secret(name: string): Promise<string>;
}

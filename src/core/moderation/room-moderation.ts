import { type MaskSubject, matchesMask } from './masks.js';
import { applyToModes, type ModeChange } from './mode-change.js';
import {
  NEW_ROOM_MODES,
  ROLE_BITS,
  type RoleName,
  type RoomModes,
  type Sanction,
  type SanctionKind,
} from './types.js';

/** How long an invitation lets its holder in. */
export const INVITE_LIFETIME_MS = 60 * 60 * 1000;

/**
 * One room's moderation as every server node keeps it in memory: its modes, who holds which
 * role, its bans and mutes, and who is invited. Changes come from Moderation (here) or from
 * other nodes' events, and are the same either way.
 */
export class RoomModeration {
  modes: RoomModes = { ...NEW_ROOM_MODES };
  /** Roles by nickname key; a nickname without any is absent. */
  readonly roles = new Map<string, number>();
  readonly bans: Sanction[] = [];
  readonly mutes: Sanction[] = [];
  /**
   * Goes up with every change to the bans or mutes: a verdict worked out against them (see
   * enforcement.ts) holds while it stays the same.
   */
  version = 0;
  /** Invited nickname keys, until when. Invitations are not stored: they are for now. */
  private invites: Map<string, number> | undefined;

  rolesOf(nickKey: string): number {
    return this.roles.get(nickKey) ?? 0;
  }

  setRoles(nickKey: string, roles: number): void {
    if (roles === 0) this.roles.delete(nickKey);
    else this.roles.set(nickKey, roles);
  }

  /** The sanction of this kind in force on the subject, if any. */
  sanctionOn(kind: SanctionKind, subject: MaskSubject, now: number): Sanction | undefined {
    const list = kind === 'ban' ? this.bans : this.mutes;
    for (let at = list.length - 1; at >= 0; at--) {
      const sanction = list[at]!;
      if (sanction.expiresAt !== undefined && sanction.expiresAt <= now) {
        // Lifted by time: gone from memory; the store leaves it out when next loaded.
        list.splice(at, 1);
        this.version++;
        continue;
      }
      if (matchesMask(sanction.mask, subject)) return sanction;
    }
    return undefined;
  }

  /** The sanctions of this kind in force, oldest first. */
  listed(kind: SanctionKind, now: number): Sanction[] {
    const list = kind === 'ban' ? this.bans : this.mutes;
    return list.filter((sanction) => sanction.expiresAt === undefined || sanction.expiresAt > now);
  }

  /** Takes out the sanctions whose time is up, and gives them. */
  dropExpired(now: number): Sanction[] {
    const dropped: Sanction[] = [];
    for (const list of [this.bans, this.mutes]) {
      for (let at = list.length - 1; at >= 0; at--) {
        const expiresAt = list[at]!.expiresAt;
        if (expiresAt !== undefined && expiresAt <= now) dropped.push(...list.splice(at, 1));
      }
    }
    if (dropped.length > 0) this.version++;
    return dropped.reverse();
  }

  /** When the next of its sanctions runs out; undefined if none is timed. */
  nextExpiry(): number | undefined {
    let next: number | undefined;
    for (const sanction of [...this.bans, ...this.mutes]) {
      const at = sanction.expiresAt;
      if (at !== undefined && (next === undefined || at < next)) next = at;
    }
    return next;
  }

  findSanction(kind: SanctionKind, mask: string): Sanction | undefined {
    const lower = mask.toLowerCase();
    return (kind === 'ban' ? this.bans : this.mutes).find((s) => s.mask.toLowerCase() === lower);
  }

  /** Sets a sanction, replacing one with the same mask. */
  putSanction(sanction: Sanction): void {
    this.liftSanction(sanction.kind, sanction.mask);
    this.version++;
    (sanction.kind === 'ban' ? this.bans : this.mutes).push(sanction);
  }

  liftSanction(kind: SanctionKind, mask: string): boolean {
    const list = kind === 'ban' ? this.bans : this.mutes;
    const lower = mask.toLowerCase();
    const at = list.findIndex((sanction) => sanction.mask.toLowerCase() === lower);
    if (at === -1) return false;
    list.splice(at, 1);
    this.version++;
    return true;
  }

  invite(nickKey: string, until: number): void {
    this.invites ??= new Map();
    this.invites.set(nickKey, until);
  }

  /** Whether the nickname holds an invitation still valid; using it spends it. */
  takeInvite(nickKey: string, now: number): boolean {
    const until = this.invites?.get(nickKey);
    if (until === undefined) return false;
    this.invites!.delete(nickKey);
    return until > now;
  }

  isInvited(nickKey: string, now: number): boolean {
    const until = this.invites?.get(nickKey);
    return until !== undefined && until > now;
  }

  /**
   * Applies a change as told (by this node or another): modes, roles by nickname, sanctions
   * by mask. `room` and `setBy`/`setAt` complete a sanction's record.
   */
  apply(change: ModeChange, room: string, setBy: string, setAt: number, nickKey?: string): void {
    switch (change.mode) {
      case 'owner':
      case 'op':
      case 'voice': {
        const key = nickKey ?? change.nick;
        const bit = ROLE_BITS[change.mode as RoleName];
        const roles = this.rolesOf(key);
        this.setRoles(key, change.on ? roles | bit : roles & ~bit);
        return;
      }
      case 'ban':
      case 'mute':
        if (!change.on) {
          this.liftSanction(change.mode, change.mask);
          return;
        }
        this.putSanction({
          room,
          kind: change.mode,
          mask: change.mask,
          setBy,
          setAt,
          ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
          reason: change.reason ?? '',
        });
        return;
      default:
        applyToModes(this.modes, change);
    }
  }
}

import { ChatError } from '../errors.js';
import type { Member } from '../member.js';
import { requireNick } from '../presence.js';
import type { Room } from '../room.js';
import type { Rooms } from '../rooms.js';
import { isRoomOperator, isServerOperator, requireRoomOperator } from './enforcement.js';
import type { AuditEntry, ModerationStore, SanctionKind } from './types.js';

/** Audit entries shown at most at once. */
export const MAX_MODLOG_ENTRIES = 200;

/**
 * Moderation's read-only answers: a room's modes, its bans and mutes, and the audit log, as
 * whoever asks may see them. Nothing here changes anything.
 */
export class ModerationAnswers {
  constructor(
    private readonly rooms: Rooms,
    private readonly store: ModerationStore,
    private readonly now: () => number,
  ) {}

  /** One room's audit log for its operators, or (room undefined) everything for server operators. */
  async modlog(member: Member, roomName: string | undefined, limit: number): Promise<AuditEntry[]> {
    requireNick(member);
    const capped = Math.max(1, Math.min(limit, MAX_MODLOG_ENTRIES));
    if (roomName === undefined) {
      if (!isServerOperator(member)) {
        throw new ChatError(
          'NOT_ROOM_OPERATOR',
          "Only server operators may read every room's log; name a room.",
        );
      }
      return this.read({ limit: capped });
    }
    const room = this.rooms.named(roomName);
    requireRoomOperator(room, member);
    return this.read({ room: room.key, limit: capped });
  }

  // ---- answers to the member who asked ---------------------------------------------------

  showModes(member: Member, roomName: string): void {
    const room = this.rooms.named(roomName);
    member.send({
      type: 'modes-are',
      room: room.name,
      modes: this.modesOf(room, member),
      createdAt: room.createdAt,
    });
  }

  showSanctions(member: Member, roomName: string, kind: SanctionKind): void {
    const room = this.rooms.named(roomName);
    member.send({
      type: 'sanctions',
      room: room.name,
      kind,
      entries: this.sanctionsOf(room, kind),
    });
  }

  async showModlog(member: Member, roomName: string | undefined, limit: number): Promise<void> {
    const entries = await this.modlog(member, roomName, limit);
    const room = roomName === undefined ? undefined : this.rooms.named(roomName).name;
    member.send({ type: 'modlog', room, entries });
  }

  /** A room's modes as `viewer` may see them: the key only from inside (or as an operator). */
  modesOf(room: Room, viewer: Member): Room['mod']['modes'] {
    const modes = { ...room.mod.modes };
    if (modes.key !== undefined && !room.members.has(viewer) && !isRoomOperator(room, viewer)) {
      modes.key = '*';
    }
    return modes;
  }

  sanctionsOf(room: Room, kind: SanctionKind) {
    return room.mod.listed(kind, this.now());
  }

  private async read(query: { room?: string; limit: number }): Promise<AuditEntry[]> {
    try {
      return await this.store.readAudit(query);
    } catch (error) {
      throw new ChatError('STORE_FAILED', 'The audit log is unavailable right now.', {
        cause: error,
      });
    }
  }
}

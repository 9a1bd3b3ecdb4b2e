import { ChatError } from '../errors.js';
import type { Member } from '../member.js';
import { parseDuration } from './durations.js';
import type { ModeChange } from './mode-change.js';
import type { Moderation } from './moderation.js';
import type { SanctionKind } from './types.js';

/** Audit entries shown when no number is asked for. */
export const DEFAULT_MODLOG_ENTRIES = 20;

/**
 * A moderation request as any door carries it: the WebSocket API's JSON as it is, the text
 * doors' commands (and the terminal client's) parsed into it. Each needs the room's operator
 * role but `mode` without changes (answered with the modes) and `sanctions` (the list).
 * `duration` is like "10m", "2h", "7d"; without it a ban or mute holds until lifted.
 * `target` is a nickname or a nick!user@host mask with * and ? wildcards.
 */
export type ModerationRequest =
  | { type: 'mode'; room: string; changes?: ModeChange[] }
  | { type: 'kick'; room: string; nick: string; reason?: string }
  | { type: 'invite'; room: string; nick: string }
  | { type: 'ban' | 'mute'; room: string; target: string; duration?: string; reason?: string }
  | { type: 'unban' | 'unmute'; room: string; target: string }
  | { type: 'sanctions'; room: string; kind: SanctionKind }
  /** The newest `limit` (default 20, at most 200) entries; without `room`, the server's. */
  | { type: 'modlog'; room?: string; limit?: number };

/** Carries out a moderation request; what it breaks is thrown as a ChatError. */
export async function runModerationRequest(
  moderation: Moderation,
  member: Member,
  request: ModerationRequest,
): Promise<void> {
  switch (request.type) {
    case 'mode':
      if (request.changes === undefined || request.changes.length === 0) {
        moderation.answers.showModes(member, request.room);
        return;
      }
      return moderation.changeModesOrFail(member, request.room, request.changes);
    case 'kick':
      return moderation.kick(member, request.room, request.nick, request.reason ?? '');
    case 'invite':
      return moderation.invite(member, request.room, request.nick);
    case 'ban':
    case 'mute':
      await moderation.sanction(member, request.room, request.type, request.target, {
        ...(request.duration === undefined ? {} : { durationMs: parseDuration(request.duration) }),
        ...(request.reason === undefined ? {} : { reason: request.reason }),
      });
      return;
    case 'unban':
    case 'unmute': {
      const kind = request.type === 'unban' ? 'ban' : 'mute';
      const { applied } = await moderation.lift(member, request.room, kind, request.target);
      // Said, not left silent: a request with a ref must get its answer.
      if (applied.length === 0) {
        throw new ChatError(
          'NOT_SANCTIONED',
          `${request.target} is not ${kind === 'ban' ? 'banned' : 'muted'} in ${request.room}.`,
          {
            about: [request.room, request.target],
          },
        );
      }
      return;
    }
    case 'sanctions':
      return moderation.answers.showSanctions(member, request.room, request.kind);
    case 'modlog':
      return moderation.answers.showModlog(
        member,
        request.room,
        request.limit ?? DEFAULT_MODLOG_ENTRIES,
      );
  }
}

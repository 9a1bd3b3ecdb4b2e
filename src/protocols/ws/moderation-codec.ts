import { ChatError } from '../../core/errors.js';
import { FLAG_MODES, type ModeChange } from '../../core/moderation/mode-change.js';
import { ROLE_BITS, type RoleName } from '../../core/moderation/types.js';
import { type Fields, optionalId, optionalString, string } from './fields.js';
import type { ModerationRequest } from './protocol.js';

/** Most changes one `mode` request may carry (IRC servers take a few per line). */
export const MAX_MODE_CHANGES = 20;

const ROLE_NAMES = Object.keys(ROLE_BITS) as RoleName[];

/** Reads a moderation request (docs/websocket.md); undefined for a type that is not one. */
export function readModerationRequest(type: string, fields: Fields): ModerationRequest | undefined {
  switch (type) {
    case 'mode': {
      const changes = fields.changes === undefined ? undefined : readChanges(fields.changes);
      return { type, room: string(fields, 'room'), ...(changes ? { changes } : {}) };
    }
    case 'kick': {
      const reason = optionalString(fields, 'reason');
      return {
        type,
        room: string(fields, 'room'),
        nick: string(fields, 'nick'),
        ...(reason === undefined ? {} : { reason }),
      };
    }
    case 'invite':
      return { type, room: string(fields, 'room'), nick: string(fields, 'nick') };
    case 'ban':
    case 'mute': {
      const duration = optionalString(fields, 'duration');
      const reason = optionalString(fields, 'reason');
      return {
        type,
        room: string(fields, 'room'),
        target: string(fields, 'target'),
        ...(duration === undefined ? {} : { duration }),
        ...(reason === undefined ? {} : { reason }),
      };
    }
    case 'unban':
    case 'unmute':
      return { type, room: string(fields, 'room'), target: string(fields, 'target') };
    case 'sanctions': {
      const kind = string(fields, 'kind');
      if (kind !== 'ban' && kind !== 'mute') {
        throw new ChatError('BAD_ARGUMENTS', '"kind" must be "ban" or "mute".');
      }
      return { type, room: string(fields, 'room'), kind };
    }
    case 'modlog': {
      const room = optionalString(fields, 'room');
      const limit = optionalId(fields, 'limit');
      return {
        type,
        ...(room === undefined ? {} : { room }),
        ...(limit === undefined ? {} : { limit }),
      };
    }
    default:
      return undefined;
  }
}

function readChanges(value: unknown): ModeChange[] {
  if (!Array.isArray(value) || value.length > MAX_MODE_CHANGES) {
    throw new ChatError(
      'BAD_ARGUMENTS',
      `"changes" must be a list of at most ${MAX_MODE_CHANGES} changes.`,
    );
  }
  return value.map((item: unknown) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new ChatError('BAD_ARGUMENTS', 'Each change must be an object with "mode" and "on".');
    }
    const fields = item as Fields;
    const mode = string(fields, 'mode');
    const on = fields.on;
    if (typeof on !== 'boolean')
      throw new ChatError('BAD_ARGUMENTS', '"on" must be true or false.');
    if ((FLAG_MODES as readonly string[]).includes(mode)) {
      return { mode: mode as (typeof FLAG_MODES)[number], on };
    }
    if ((ROLE_NAMES as string[]).includes(mode))
      return { mode: mode as RoleName, on, nick: string(fields, 'nick') };
    switch (mode) {
      case 'key':
        return { mode, on, key: on ? string(fields, 'key') : '*' };
      case 'limit': {
        const limit = on ? optionalId(fields, 'limit') : undefined;
        if (on && limit === undefined) throw new ChatError('BAD_ARGUMENTS', '"limit" is required.');
        return { mode, on, ...(limit === undefined ? {} : { limit }) };
      }
      case 'ban':
      case 'mute':
        return { mode, on, mask: string(fields, 'mask') };
      default:
        throw new ChatError('UNKNOWN_MODE', `There is no mode "${mode.slice(0, 40)}".`);
    }
  });
}

/** Role bits by nickname as the names clients read. */
export function roleNames(roles: Readonly<Record<string, number>>): Record<string, RoleName[]> {
  const named: Record<string, RoleName[]> = {};
  for (const [nick, bits] of Object.entries(roles)) {
    named[nick] = ROLE_NAMES.filter((name) => (bits & ROLE_BITS[name]) !== 0);
  }
  return named;
}

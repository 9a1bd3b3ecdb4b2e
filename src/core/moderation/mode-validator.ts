import { ChatError } from '../errors.js';
import type { Member } from '../member.js';
import { foldCase } from '../names.js';
import type { Presence } from '../presence.js';
import type { Room } from '../room.js';
import type { Roster } from '../roster.js';
import { cleanReason } from '../rules.js';
import { isServerOperator, rolesIn } from './enforcement.js';
import { normalizeMask } from './masks.js';
import { applyToModes, type ModeChange } from './mode-change.js';
import { ROLE_BITS, ROLE_OWNER, type RoomModes, rank } from './types.js';

/** The longest room key; longer ones are refused (IRC servers take about 23). */
export const MAX_KEY_LENGTH = 32;
/** The largest member limit (+l) a room may be given. */
export const MAX_MEMBER_LIMIT = 1_000_000;
/** Bans (or mutes) one room keeps at most. */
export const MAX_LIST_ENTRIES = 1_000;

/** The refusal of a member limit (+l) that is not one, naming the parameter as given. */
export function badLimit(room: string, param: string): ChatError {
  return new ChatError(
    'BAD_MODE_PARAM',
    `A member limit is a whole number from 1 to ${MAX_MEMBER_LIMIT}.`,
    { about: [room, 'l', param] },
  );
}

/** What the changes of one request checked so far will have made: the next is checked against it. */
interface Planned {
  listed: { ban: number; mute: number };
  /** Roles by nickname key as they will be. */
  roles: Map<string, number>;
  /** Whether a sanction (by `${kind} ${lower mask}`) will be in force. */
  masks: Map<string, boolean>;
}

/**
 * Which requested mode changes an operator may make, each checked on its own as IRC servers
 * do: the ones that break a rule are refused with their reason, no-ops are dropped, the
 * rest are returned normalized (display nicknames, completed masks).
 */
export class ModeValidator {
  constructor(
    private readonly presence: Presence,
    private readonly roster: Roster,
    private readonly now: () => number,
  ) {}

  plan(
    room: Room,
    actor: Member,
    actorRank: number,
    requested: readonly ModeChange[],
  ): { applied: ModeChange[]; refused: ChatError[]; modes: RoomModes } {
    const modes = { ...room.mod.modes };
    const applied: ModeChange[] = [];
    const refused: ChatError[] = [];
    const planned: Planned = {
      listed: { ban: room.mod.bans.length, mute: room.mod.mutes.length },
      roles: new Map(),
      masks: new Map(),
    };
    for (const change of requested) {
      try {
        const normalized = this.check(room, actor, actorRank, change, modes, planned);
        if (!normalized) continue;
        applyToModes(modes, normalized);
        applied.push(normalized);
      } catch (error) {
        if (!(error instanceof ChatError)) throw error;
        refused.push(error);
      }
    }
    return { applied, refused, modes };
  }

  /** The user with this nickname, who must be in the room (here or on another node). */
  memberOf(room: Room, nick: string): { nick: string; key: string } {
    const user = this.presence.describe(nick);
    if (!user)
      throw new ChatError('NO_SUCH_NICK', `Nobody is called "${nick}".`, { about: [nick] });
    const key = foldCase(user.nick);
    if (!this.isIn(room, key)) {
      throw new ChatError('USER_NOT_IN_ROOM', `${user.nick} is not in ${room.name}.`, {
        about: [user.nick, room.name],
      });
    }
    return { nick: user.nick, key };
  }

  isIn(room: Room, nickKey: string): boolean {
    const local = this.presence.byNick.get(nickKey);
    if (local) return room.members.has(local);
    const remote = this.roster.find(nickKey);
    return remote?.rooms.some((name) => foldCase(name) === room.key) ?? false;
  }

  /** Operators act on those below them (or themselves), never on those above. */
  requireOutranked(room: Room, actor: Member, targetKey: string): void {
    if (targetKey === actor.nickKey || isServerOperator(actor)) return;
    if (rank(room.mod.rolesOf(targetKey)) > rank(rolesIn(room, actor))) {
      throw new ChatError(
        'NOT_ROOM_OPERATOR',
        `You cannot do that to someone above you in ${room.name}.`,
        {
          about: [room.name],
        },
      );
    }
  }

  private check(
    room: Room,
    actor: Member,
    actorRank: number,
    change: ModeChange,
    modes: RoomModes,
    planned: Planned,
  ): ModeChange | undefined {
    // About the room, the mode's letter and the parameter given, as IRC's 696 names them.
    const bad = (message: string, letter: string, param: string) =>
      new ChatError('BAD_MODE_PARAM', message, { about: [room.name, letter, param] });
    switch (change.mode) {
      case 'moderated':
      case 'noOutside':
      case 'topicLock':
      case 'inviteOnly':
      case 'secret':
        return modes[change.mode] === change.on ? undefined : change;
      case 'key': {
        if (!change.on)
          return modes.key === undefined ? undefined : { mode: 'key', on: false, key: '*' };
        const key = change.key;
        if (key === '' || key.length > MAX_KEY_LENGTH || /[\s,:\0]/.test(key)) {
          // A refused key is not repeated back ('*', as Ergo does): it is meant to be a secret,
          // and a key of hundreds of characters would crowd out the reason in 512 bytes.
          throw bad(
            `A key is 1 to ${MAX_KEY_LENGTH} characters without spaces, commas or colons.`,
            'k',
            '*',
          );
        }
        if (modes.key === key) return undefined;
        if (modes.key !== undefined) {
          throw new ChatError('KEY_SET', `${room.name} already has a key; remove it first.`, {
            about: [room.name],
          });
        }
        return change;
      }
      case 'limit': {
        if (!change.on) return modes.limit === undefined ? undefined : { mode: 'limit', on: false };
        const limit = change.limit;
        if (
          limit === undefined ||
          !Number.isSafeInteger(limit) ||
          limit < 1 ||
          limit > MAX_MEMBER_LIMIT
        ) {
          throw badLimit(room.name, String(limit));
        }
        return modes.limit === limit ? undefined : change;
      }
      case 'owner':
      case 'op':
      case 'voice': {
        const target = this.memberOf(room, change.nick);
        const bit = ROLE_BITS[change.mode];
        if (change.mode === 'owner' && actorRank < rank(ROLE_OWNER)) {
          throw new ChatError('NOT_ROOM_OPERATOR', `Only owners of ${room.name} may name owners.`, {
            about: [room.name],
          });
        }
        if (!change.on) this.requireOutranked(room, actor, target.key);
        const roles = planned.roles.get(target.key) ?? room.mod.rolesOf(target.key);
        if (((roles & bit) !== 0) === change.on) return undefined;
        planned.roles.set(target.key, change.on ? roles | bit : roles & ~bit);
        return { mode: change.mode, on: change.on, nick: target.nick };
      }
      case 'ban':
      case 'mute': {
        let mask: string;
        try {
          mask = normalizeMask(change.mask);
        } catch {
          throw bad(
            `"${change.mask.slice(0, 50)}" is not a valid mask.`,
            'b',
            change.mask.slice(0, 50),
          );
        }
        const key = `${change.mode} ${mask.toLowerCase()}`;
        const existing = room.mod.findSanction(change.mode, mask);
        const present = planned.masks.get(key) ?? existing !== undefined;
        planned.masks.set(key, change.on);
        if (!change.on) {
          return present
            ? { mode: change.mode, on: false, mask: existing?.mask ?? mask }
            : undefined;
        }
        const listed = planned.listed;
        if (!present && listed[change.mode] >= MAX_LIST_ENTRIES) {
          throw new ChatError(
            'LIST_FULL',
            `${room.name} has ${MAX_LIST_ENTRIES} ${change.mode}s already.`,
            {
              about: [room.name, 'b'],
            },
          );
        }
        if (!present) listed[change.mode]++;
        if (change.expiresAt !== undefined && change.expiresAt <= this.now()) return undefined;
        const reason = cleanReason(change.reason ?? '');
        return {
          mode: change.mode,
          on: true,
          mask,
          ...(change.nick === undefined ? {} : { nick: change.nick }),
          ...(change.expiresAt === undefined ? {} : { expiresAt: change.expiresAt }),
          ...(reason === '' ? {} : { reason }),
        };
      }
    }
  }
}

import { ChatError } from '../errors.js';
import type { ChatEvent } from '../events.js';
import type { Fanout } from '../fanout.js';
import { type DisconnectCause, type Member, UNKNOWN_HOST } from '../member.js';
import { formatDuration } from '../moderation/durations.js';
import { type MaskSubject, matchesMask, normalizeMask } from '../moderation/masks.js';
import type { RoomModeration } from '../moderation/room-moderation.js';
import { maskFor } from '../moderation/sanctions.js';
import { type ModerationStore, type Sanction, SERVER_WIDE } from '../moderation/types.js';
import { writeModeration } from '../moderation/write.js';
import type { Presence } from '../presence.js';
import { cleanReason } from '../rules.js';
import { MAX_SERVER_BANS } from './types.js';

export interface ServerBansOptions {
  store: ModerationStore;
  /** Where the server's bans are kept in memory (Moderation's, which joins check too). */
  serverWide: RoomModeration;
  presence: Presence;
  fanout: Fanout;
  now: () => number;
  /** Takes a member out of the chat, its rooms hearing why, and closes its connection. */
  end(member: Member, reason: string, cause: DisconnectCause): void;
}

/** A server ban as the event that tells other nodes of it. */
type ServerBanEvent = Extract<ChatEvent, { type: 'server-ban' }>;

/**
 * Server bans (K-lines): masks kept out of the whole server, on every node. A ban is stored
 * with its audit entry, then holds here and is told to the other nodes; users it matches are
 * disconnected and refused at registration until it is lifted or runs out. Server operators
 * are never put out by one (they could not lift it otherwise).
 */
export class ServerBans {
  constructor(private readonly options: ServerBansOptions) {}

  /** Bans a mask (or a nickname's host, as room bans do), for a while or until lifted. */
  async set(
    actor: string,
    target: string,
    { durationMs, reason = '' }: { durationMs?: number | undefined; reason?: string | undefined },
  ): Promise<Sanction> {
    const { serverWide, now } = this.options;
    const { mask } = maskFor(this.options.presence, target);
    if (mask.split(/[!@]/).every((part) => /^[*?]*$/.test(part))) {
      throw new ChatError('BAD_ARGUMENTS', `"${mask}" would ban everyone.`);
    }
    const at = now();
    if (
      !serverWide.findSanction('ban', mask) &&
      serverWide.listed('ban', at).length >= MAX_SERVER_BANS
    ) {
      throw new ChatError('LIST_FULL', `The server has ${MAX_SERVER_BANS} bans already.`, {
        about: [],
      });
    }
    const clean = cleanReason(reason);
    const sanction: Sanction = {
      room: SERVER_WIDE,
      kind: 'ban',
      mask,
      setBy: actor,
      setAt: at,
      ...(durationMs === undefined ? {} : { expiresAt: at + durationMs }),
      reason: clean,
    };
    await writeModeration(
      this.options.store,
      [{ kind: 'sanction', sanction }],
      [
        {
          room: SERVER_WIDE,
          time: at,
          actor,
          action: 'kline',
          target: mask,
          reason: clean,
          ...(sanction.expiresAt === undefined ? {} : { expiresAt: sanction.expiresAt }),
        },
      ],
    );
    this.apply(sanction);
    this.options.fanout.publish(eventOf(sanction, true), ELSEWHERE);
    return sanction;
  }

  /** Lifts the ban on a mask; NO_SUCH_SERVER_BAN if there is none. Returns the mask as kept. */
  async lift(actor: string, target: string): Promise<string> {
    const { serverWide, now } = this.options;
    const wanted = normalizeMask(target);
    const found = serverWide.findSanction('ban', wanted);
    if (!found || (found.expiresAt !== undefined && found.expiresAt <= now())) {
      throw new ChatError('NO_SUCH_SERVER_BAN', `There is no server ban on ${wanted}.`, {
        about: [],
      });
    }
    const at = now();
    await writeModeration(
      this.options.store,
      [{ kind: 'lift', room: SERVER_WIDE, sanction: 'ban', mask: found.mask }],
      [{ room: SERVER_WIDE, time: at, actor, action: 'unkline', target: found.mask, reason: '' }],
    );
    serverWide.liftSanction('ban', found.mask);
    this.options.fanout.publish(
      { type: 'server-ban', nick: actor, mask: found.mask, on: false, setAt: at, reason: '' },
      ELSEWHERE,
    );
    return found.mask;
  }

  /** The bans in force, oldest first. */
  list(): Sanction[] {
    return this.options.serverWide.listed('ban', this.options.now());
  }

  /**
   * Throws (closing the connection once told) if a ban holds on the member taking this first
   * nickname: as others would see them under it.
   */
  admit(member: Member, nick: string): void {
    if (member.operator !== undefined) return;
    const ban = this.holding(subjectAs(member, nick));
    if (!ban) return;
    const reason = bannedReason(ban, this.options.now());
    throw new ChatError('BANNED_FROM_SERVER', `You are banned from this server${why(ban)}.`, {
      about: [],
      closes: { reason, cause: 'banned' },
    });
  }

  /** Throws if a ban holds on the member under a new nickname (masks match nicknames). */
  mayRename(member: Member, nick: string): void {
    if (member.operator !== undefined || !this.holding(subjectAs(member, nick))) return;
    throw new ChatError('NICK_INVALID', `The nickname "${nick}" is banned from this server.`);
  }

  /** A ban set or lifted on another node, held here too. */
  fromElsewhere(event: ServerBanEvent): void {
    if (!event.on) {
      this.options.serverWide.liftSanction('ban', event.mask);
      return;
    }
    this.apply({
      room: SERVER_WIDE,
      kind: 'ban',
      mask: event.mask,
      setBy: event.nick,
      setAt: event.setAt,
      ...(event.expiresAt === undefined ? {} : { expiresAt: event.expiresAt }),
      reason: event.reason,
    });
  }

  private holding(subject: MaskSubject): Sanction | undefined {
    return this.options.serverWide.sanctionOn('ban', subject, this.options.now());
  }

  /** Keeps the ban, and puts out those here it matches (but server operators). */
  private apply(sanction: Sanction): void {
    this.options.serverWide.putSanction(sanction);
    const reason = bannedReason(sanction, this.options.now());
    for (const member of [...this.options.presence.byNick.values()]) {
      const view = member.view();
      if (member.operator === undefined && view && matchesMask(sanction.mask, view)) {
        this.options.end(member, reason, 'banned');
      }
    }
  }
}

/** Other nodes, and nobody here: what they work out for themselves from the event. */
const ELSEWHERE = {};

function eventOf(sanction: Sanction, on: boolean): ServerBanEvent {
  return {
    type: 'server-ban',
    nick: sanction.setBy,
    mask: sanction.mask,
    on,
    setAt: sanction.setAt,
    ...(sanction.expiresAt === undefined ? {} : { expiresAt: sanction.expiresAt }),
    reason: sanction.reason,
  };
}

/** Whom a ban is matched against: the member as others would see them under `nick`. */
function subjectAs(member: Member, nick: string): MaskSubject {
  const profile = member.peer.profile?.();
  return {
    nick,
    username: profile?.username ?? `~${member.peer.protocol}`,
    host: profile?.host ?? UNKNOWN_HOST,
  };
}

/** Why a banned user is disconnected, as they and their rooms are told. */
function bannedReason(ban: Sanction, now: number): string {
  const left = ban.expiresAt === undefined ? '' : ` for ${formatDuration(ban.expiresAt - now)}`;
  return `Banned from this server${left}${why(ban)}`;
}

function why(ban: Sanction): string {
  return ban.reason ? `: ${ban.reason}` : '';
}

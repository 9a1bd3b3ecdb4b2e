import type { ChatEvent } from '../../core/events.js';
import { formatDuration } from '../../core/moderation/durations.js';
import type { ModeChange } from '../../core/moderation/mode-change.js';
import { formatModes, rolePrefixes } from '../../core/moderation/mode-letters.js';
import type { AuditEntry, Sanction } from '../../core/moderation/types.js';
import { safeText, type TextEntry, type Viewpoint } from './text-entry.js';

type ModerationEvent = Extract<
  ChatEvent,
  { type: 'mode' | 'kick' | 'invite' | 'modes-are' | 'sanctions' | 'modlog' | 'server-bans' }
>;

const FLAG_WORDS = {
  moderated: ['moderated: only voiced members may speak', 'no longer moderated'],
  noOutside: ['closed to messages from outside', 'open to messages from outside'],
  topicLock: ['topic-locked: only operators set the topic', 'no longer topic-locked'],
  inviteOnly: ['invite only', 'open to everyone (not invite only)'],
  secret: ['secret: hidden from room lists', 'no longer secret'],
} as const;

const ROLE_WORDS = { owner: 'an owner', op: 'an operator', voice: 'voiced' } as const;

/** How the text doors word room moderation: who did what, to whom, until when, and why. */
export function renderModeration(
  event: ModerationEvent,
  view: Viewpoint,
  now: number,
): TextEntry[] {
  const who = view.isActor ? 'You' : 'nick' in event ? event.nick : '';
  switch (event.type) {
    case 'mode':
      // The server saying who holds which role (someone came back), or that a ban ran out.
      if (event.byServer) return [...rolesHeld(event.changes, event.room), ...ranOut(event)];
      return event.changes.map((change) =>
        notice(`${who} ${describeChange(change, event.room, now)}`),
      );
    case 'kick':
      return [
        notice(
          `${who} kicked ${event.target} from ${event.room}${event.reason ? ` (${safeText(event.reason)})` : ''}`,
        ),
      ];
    case 'invite':
      return [
        notice(
          view.isActor
            ? `You invited ${event.target} to ${event.room}`
            : `${event.nick} invites you to ${event.room}: /join ${event.room}`,
        ),
      ];
    case 'modes-are': {
      const { letters, params } = formatModes(event.modes);
      return [notice(`Modes of ${event.room}: ${[letters, ...params].join(' ')}`)];
    }
    case 'sanctions': {
      const what = event.kind === 'ban' ? 'Bans' : 'Mutes';
      if (event.entries.length === 0) return [notice(`${what} in ${event.room}: none`)];
      return [
        notice(`${what} in ${event.room} (${event.entries.length}):`),
        ...event.entries.map((entry) => notice(`  ${describeSanction(entry, now)}`)),
      ];
    }
    case 'server-bans': {
      if (event.entries.length === 0) return [notice('Server bans (K-lines): none')];
      return [
        notice(`Server bans (K-lines) (${event.entries.length}):`),
        ...event.entries.map((entry) => notice(`  ${describeSanction(entry, now)}`)),
      ];
    }
    case 'modlog': {
      const where = event.room ?? 'the server';
      if (event.entries.length === 0) return [notice(`Moderation log of ${where}: empty`)];
      return [
        notice(`Moderation log of ${where}, newest first (times UTC):`),
        ...event.entries.map((entry) =>
          notice(`  ${describeEntry(entry, event.room === undefined)}`),
        ),
      ];
    }
  }
}

/** Nicknames with the prefixes of their roles (`~@alice +bob carol`). */
export function withPrefixes(
  nicks: readonly string[],
  roles: Readonly<Record<string, number>> | undefined,
): string[] {
  if (!roles) return [...nicks];
  return nicks.map((nick) => `${rolePrefixes(roles[nick] ?? 0, true)}${nick}`);
}

function describeChange(change: ModeChange, room: string, now: number): string {
  switch (change.mode) {
    case 'owner':
    case 'op':
    case 'voice':
      return change.on
        ? `made ${change.nick} ${ROLE_WORDS[change.mode]} of ${room}`
        : `took ${change.mode === 'voice' ? 'voice' : ROLE_WORDS[change.mode].replace(/^an? /, '')} from ${change.nick} in ${room}`;
    case 'key':
      return change.on ? `set the key of ${room} to ${change.key}` : `removed the key of ${room}`;
    case 'limit':
      return change.on
        ? `limited ${room} to ${change.limit} members`
        : `removed the member limit of ${room}`;
    case 'ban':
    case 'mute': {
      const whom = change.nick === undefined ? change.mask : `${change.nick} (${change.mask})`;
      if (!change.on) return `lifted the ${change.mode} on ${whom} in ${room}`;
      const verb = change.mode === 'ban' ? `banned ${whom} from` : `muted ${whom} in`;
      const time =
        change.expiresAt === undefined ? '' : ` for ${formatDuration(change.expiresAt - now)}`;
      return `${verb} ${room}${time}${change.reason ? `: ${safeText(change.reason)}` : ''}`;
    }
    default: {
      const [on, off] = FLAG_WORDS[change.mode];
      return `made ${room} ${change.on ? on : off}`;
    }
  }
}

function rolesHeld(changes: readonly ModeChange[], room: string): TextEntry[] {
  const byNick = new Map<string, string[]>();
  for (const change of changes) {
    if (change.mode !== 'owner' && change.mode !== 'op' && change.mode !== 'voice') continue;
    byNick.set(change.nick, [...(byNick.get(change.nick) ?? []), ROLE_WORDS[change.mode]]);
  }
  return [...byNick].map(([nick, roles]) => notice(`${nick} is ${roles.join(' and ')} of ${room}`));
}

function ranOut(event: Extract<ModerationEvent, { type: 'mode' }>): TextEntry[] {
  return event.changes.flatMap((change) =>
    (change.mode === 'ban' || change.mode === 'mute') && !change.on
      ? [notice(`The ${change.mode} on ${change.mask} in ${event.room} has run out`)]
      : [],
  );
}

function describeSanction(entry: Sanction, now: number): string {
  const left =
    entry.expiresAt === undefined
      ? 'until lifted'
      : `${formatDuration(entry.expiresAt - now)} left`;
  return `${entry.mask} by ${entry.setBy}, ${left}${entry.reason ? `: ${safeText(entry.reason)}` : ''}`;
}

function describeEntry(entry: AuditEntry, withRoom: boolean): string {
  const time = new Date(entry.time).toISOString().slice(0, 16).replace('T', ' ');
  const where = withRoom ? ` ${entry.room === '' ? '(server)' : entry.room}` : '';
  const until =
    entry.expiresAt === undefined
      ? ''
      : ` until ${new Date(entry.expiresAt).toISOString().slice(0, 16).replace('T', ' ')}`;
  const why = entry.reason ? `: ${safeText(entry.reason)}` : '';
  return `${time}${where} ${entry.actor} ${entry.action} ${safeText(entry.target)}${until}${why}`;
}

function notice(text: string): TextEntry {
  return { kind: 'notice', text };
}

/** Becoming or ceasing to be a server operator, as the text doors and the terminal client say it. */
export function operWords(name: string | undefined): string {
  return name === undefined
    ? 'You are no longer a server operator'
    : `You are now a server operator (${name})`;
}

/** A WALLOPS, its text already made safe for where it is shown. */
export function wallopsWords(nick: string, safeText: string): string {
  return `WALLOPS from ${nick}: ${safeText}`;
}

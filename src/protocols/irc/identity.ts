import type { Chat } from '../../core/chat.js';
import type { MemberView } from '../../core/member.js';

/**
 * Who a user is on IRC besides their nickname: the user name and host of their mask
 * (nick!user@host), and their away message for away-notify.
 */
export type IrcUser = Pick<MemberView, 'username' | 'host' | 'away'>;

/** Longest user name kept from USER; the "~" shown before it is not counted. */
export const USERNAME_MAX_LENGTH = 10;

/**
 * The user name of USER as it will be shown: letters, digits, '-', '_' and '.' only, at most
 * USERNAME_MAX_LENGTH of them; '' if nothing is left. Clients send anything there, and what
 * is kept goes into every mask of the user, where a '!', '@' or space would break it.
 */
export function cleanUsername(given: string): string {
  return given.replace(/[^A-Za-z0-9._-]/g, '').slice(0, USERNAME_MAX_LENGTH);
}

/**
 * The user name an IRC user gets: the one they gave, cleaned, else their nickname at
 * registration, cleaned, else "user". It is shown after a "~", which says that no ident
 * server vouched for it (none is asked).
 */
export function usernameFor(given: string, nick: string): string {
  return cleanUsername(given) || cleanUsername(nick) || 'user';
}

/**
 * The host of users the server no longer knows (a replayed message from someone who left
 * long enough ago that WHOWAS forgot them): `.invalid` is reserved for names of nothing.
 */
export const GONE_HOST = 'gone.invalid';

/**
 * The user holding this nickname, here or on another node; else the last one who gave it
 * up (WHOWAS), as they were then; else a stand-in, nick!~nick@gone.invalid. Events and stored
 * messages name people by nickname only; this is how their masks are found.
 */
export function knownUser(chat: Chat, nick: string): IrcUser {
  return (
    chat.describe(nick) ??
    chat.whowas(nick, 1)[0]?.user ?? {
      username: `~${usernameFor('', nick)}`,
      host: GONE_HOST,
      away: undefined,
    }
  );
}

export function userMask(nick: string, user: IrcUser): string {
  return `${nick}!${user.username}@${user.host}`;
}

import type { MemberView } from '../../../core/member.js';

/** What WHO and WHOIS give as a user's real name: theirs on IRC, their door elsewhere. */
export function realnameOf(user: MemberView): string {
  return user.realname ?? `${user.door} user`;
}

import type { Member } from './member.js';

export class Room {
  readonly members = new Set<Member>();
  topic = '';
  topicSetBy: string | undefined;
  topicSetAt: number | undefined;

  constructor(
    readonly name: string,
    readonly key: string,
    readonly createdBy: string,
    readonly createdAt: number,
  ) {}

  /** Nicknames in the order members joined. */
  nicks(): string[] {
    const nicks: string[] = [];
    for (const member of this.members) if (member.nick !== undefined) nicks.push(member.nick);
    return nicks;
  }
}

import { ChatError } from './errors.js';
import type { Fanout } from './fanout.js';
import { Member, type MemberView, type Peer } from './member.js';
import { checkNick, foldCase } from './names.js';
import { NickHistory } from './nick-history.js';
import type { NickRegistry } from './nick-registry.js';
import type { RoomLimits } from './room-limits.js';
import type { RemoteMember, Roster } from './roster.js';
import { cleanReason, MAX_AWAY_LENGTH } from './rules.js';

export interface PresenceOptions {
  nicks: NickRegistry;
  /** The other nodes' users, told of ours. */
  roster: Roster;
  /**
   * This process among the server's nodes: nickname owners are `nodeId:memberId`, unique
   * across processes sharing one registry.
   */
  nodeId: string;
  serverName: string;
  limits: RoomLimits;
  fanout: Fanout;
  now: () => number;
  /** Told when the registry failed to release a nickname (it stays taken until it expires). */
  onRegistryError?: (error: unknown, nickKey: string) => void;
  /** A member chose a new nickname (not a forced rename): what was the old one's goes with it. */
  onRenamed?: (oldKey: string, newKey: string) => void;
}

export interface UserCounts {
  local: number;
  global: number;
  localPeak: number;
  globalPeak: number;
}

/** Who is connected and by which nickname: attaching, naming, renaming, away, forgetting. */
export class Presence {
  /** Every attached member, registered or not. */
  readonly connected = new Set<Member>();
  readonly byNick = new Map<string, Member>();
  /** The most registered users there have been at once, here and on every node (as seen here). */
  private readonly peaks = { local: 0, global: 0 };
  /** Nicknames given up here or on other nodes, for WHOWAS. */
  readonly past = new NickHistory();
  private nextMemberId = 1;

  constructor(private readonly options: PresenceOptions) {}

  attach(peer: Peer): Member {
    const member = new Member(this.nextMemberId++, peer);
    this.connected.add(member);
    return member;
  }

  /** Registered users here and on every node, with the most there have been at once. */
  counts(): UserCounts {
    const local = this.byNick.size;
    const global = local + this.options.roster.count();
    this.peaks.local = Math.max(this.peaks.local, local);
    this.peaks.global = Math.max(this.peaks.global, global);
    return { local, global, localPeak: this.peaks.local, globalPeak: this.peaks.global };
  }

  /** Takes a first nickname for the member; false if it went away meanwhile. */
  async name(member: Member, nick: string): Promise<boolean> {
    if (member.registered) throw new ChatError('BAD_ARGUMENTS', 'You already have a nickname.');
    const invalid = checkNick(nick);
    if (invalid) throw invalid;
    const key = foldCase(nick);
    if (!(await this.claim(key, member))) {
      throw new ChatError('NICK_TAKEN', `The nickname "${nick}" is already taken.`);
    }
    if (member.gone) {
      this.release(key, member);
      return false;
    }
    member.setNick(nick);
    member.registeredAt = this.options.now();
    this.byNick.set(key, member);
    this.options.roster.share(member);
    this.counts();
    member.send({ type: 'welcome', nick, serverName: this.options.serverName });
    return true;
  }

  async rename(member: Member, nick: string): Promise<void> {
    const oldNick = requireNick(member);
    const invalid = checkNick(nick);
    if (invalid) throw invalid;
    if (nick === oldNick) return;
    // Counted before the registry is asked: every attempt costs it, taken or not.
    this.options.limits.takeNickChange(member);
    const key = foldCase(nick);
    const oldKey = member.nickKey!;
    if (key !== oldKey && !(await this.claim(key, member))) {
      throw new ChatError('NICK_TAKEN', `The nickname "${nick}" is already taken.`);
    }
    if (member.gone) {
      if (key !== oldKey) this.release(key, member);
      return;
    }
    // The member may have changed nick again while we waited for the registry.
    const current = member.nickKey!;
    this.givenUp(member);
    this.byNick.delete(current);
    member.setNick(nick);
    if (key !== current) member.registeredAt = this.options.now();
    this.byNick.set(key, member);
    if (current !== key) this.release(current, member);
    this.options.roster.share(member, current);
    if (current !== key) this.options.onRenamed?.(current, key);
    // Everyone sharing a room hears of it, and the member itself even in no room.
    this.options.fanout.publish(
      { type: 'nick', oldNick, newNick: nick },
      { rooms: [...member.rooms], nicks: [key] },
    );
  }

  /**
   * Gives a member a Guest-NNNNN nickname in place of one it lost (another node's earlier
   * claim won it back after a split) and tells it why. Everyone sharing a room hears of the
   * change as of any other.
   */
  async renameToGuest(member: Member, reason: string): Promise<void> {
    const oldNick = requireNick(member);
    for (let attempt = 0; attempt < 10 && !member.gone; attempt++) {
      const nick = `Guest-${Math.floor(10_000 + Math.random() * 90_000)}`;
      const key = foldCase(nick);
      if (!(await this.claim(key, member))) continue;
      if (member.gone || member.nick !== oldNick) {
        this.release(key, member);
        return;
      }
      const current = member.nickKey!;
      this.givenUp(member);
      this.byNick.delete(current);
      member.setNick(nick);
      member.registeredAt = this.options.now();
      this.byNick.set(key, member);
      this.options.roster.share(member, current);
      member.send({ type: 'notice', text: `You are now ${nick}: ${reason}` });
      this.options.fanout.publish(
        { type: 'nick', oldNick, newNick: nick, forced: true },
        { rooms: [...member.rooms], nicks: [key] },
      );
      return;
    }
  }

  /**
   * Marks a member away (with a message) or back (undefined); everyone sharing a room with
   * them hears of it. Saying the same thing twice tells nobody anything.
   */
  setAway(member: Member, message: string | undefined): void {
    const nick = requireNick(member);
    const clean = message === undefined ? undefined : cleanReason(message, MAX_AWAY_LENGTH);
    const away = clean === '' ? undefined : clean;
    if (away === member.away) return;
    member.away = away;
    this.options.roster.share(member);
    this.options.fanout.publish(
      { type: 'away', nick, message: away },
      { rooms: [...member.rooms], except: member.nickKey! },
    );
  }

  find(nick: string): Member | undefined {
    return this.byNick.get(foldCase(nick));
  }

  /** The user holding this nickname here or on another node, as others may see them. */
  describe(nick: string): RemoteMember | MemberView | undefined {
    const key = foldCase(nick);
    return this.byNick.get(key)?.view() ?? this.options.roster.find(key);
  }

  /** The member is gone: its nickname is free again. */
  forget(member: Member): void {
    this.connected.delete(member);
    const key = member.nickKey;
    if (key === undefined || this.byNick.get(key) !== member) return;
    this.givenUp(member);
    this.byNick.delete(key);
    this.options.roster.unshare(key);
    this.release(key, member);
  }

  private givenUp(member: Member): void {
    const view = member.view();
    if (view) this.past.add(view, this.options.now());
  }

  /**
   * Asks the registry for a nickname. A registry that cannot answer (a shared one, out of
   * reach) refuses new nicknames clearly; those already held are not touched.
   */
  private async claim(key: string, member: Member): Promise<boolean> {
    try {
      return await this.options.nicks.claim(key, this.owner(member));
    } catch (error) {
      throw new ChatError(
        'NICK_UNAVAILABLE',
        'Nicknames cannot be checked right now, so none can be taken. Try again shortly.',
        { cause: error },
      );
    }
  }

  private owner(member: Member): string {
    return `${this.options.nodeId}:${member.id}`;
  }

  /**
   * Gives a nickname back without waiting: nothing here depends on it, and a registry that
   * fails (a shared one, unreachable) must not leave a rejected promise behind, which would
   * end the process.
   */
  private release(key: string, member: Member): void {
    this.options.nicks.release(key, this.owner(member)).catch((error: unknown) => {
      this.options.onRegistryError?.(error, key);
    });
  }
}

export function requireNick(member: Member): string {
  if (member.nick === undefined) throw new ChatError('NICK_REQUIRED');
  return member.nick;
}

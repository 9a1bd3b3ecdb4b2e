import { ChatError } from '../errors.js';
import type { ChatEvent } from '../events.js';
import type { Fanout } from '../fanout.js';
import type { DisconnectCause, Member } from '../member.js';
import { formatDuration } from '../moderation/durations.js';
import type { RoomModeration } from '../moderation/room-moderation.js';
import { type ModerationStore, type NewAuditEntry, SERVER_WIDE } from '../moderation/types.js';
import { writeModeration } from '../moderation/write.js';
import { foldCase } from '../names.js';
import { type Presence, requireNick } from '../presence.js';
import type { Roster } from '../roster.js';
import { checkText, cleanReason } from '../rules.js';
import { ServerBans } from './server-bans.js';
import {
  MAX_OPER_FAILURES,
  MAX_WALLOPS_BYTES,
  NO_OPERATORS,
  type OperatorCredentials,
  type OperatorLogEntry,
} from './types.js';

export interface ServerOperatorsOptions {
  /** Who the operators are (the config file); none if not given. */
  credentials?: OperatorCredentials | undefined;
  store: ModerationStore;
  /** The server's bans and mutes in memory (Moderation's). */
  serverWide: RoomModeration;
  presence: Presence;
  roster: Roster;
  fanout: Fanout;
  now: () => number;
  /** Takes a member out of the chat, every room it is in hearing why (Chat.detach). */
  detach(member: Member, reason: string): void;
  /** Told of every OPER, successful or not, and of what operators do: for the server's log. */
  onLog?: ((entry: OperatorLogEntry) => void) | undefined;
  /** Told when an audit entry nobody waits for could not be stored (a de-oper's). */
  onStoreError?: ((error: unknown) => void) | undefined;
}

/**
 * Server operators: users who gave an operator's name and password (IRC's OPER) and may then
 * act on the whole server: moderate every room (see enforcement.ts), read every audit log,
 * kill connections, send WALLOPS and set server bans (K-lines). What they do is stored in the
 * audit log (room SERVER_WIDE) and holds on every node.
 */
export class ServerOperators {
  /** The server bans (K-lines). */
  readonly bans: ServerBans;
  /** The operators connected here. */
  private readonly online = new Set<Member>();
  /** Failed OPER attempts by connection, kept only for those that failed. */
  private readonly failures = new WeakMap<Member, number>();
  private readonly credentials: OperatorCredentials;

  constructor(private readonly options: ServerOperatorsOptions) {
    this.credentials = options.credentials ?? NO_OPERATORS;
    this.bans = new ServerBans({
      store: options.store,
      serverWide: options.serverWide,
      presence: options.presence,
      fanout: options.fanout,
      now: options.now,
      end: (member, reason, cause) => this.end(member, reason, cause),
    });
  }

  /** Server operators connected to this node (LUSERS 252). */
  get count(): number {
    return this.online.size;
  }

  /**
   * Makes the member the operator `name` if the password is that operator's and the member
   * connects from one of its hosts. A wrong name and a wrong password are told alike; the
   * MAX_OPER_FAILURES-th failure closes the connection, so passwords cannot be tried by the
   * thousand. Success is stored in the audit log; every attempt goes to the server's log.
   */
  async oper(member: Member, name: string, password: string): Promise<void> {
    const nick = requireNick(member);
    // Past the allowance (input read before the connection closed), nothing is checked.
    if ((this.failures.get(member) ?? 0) >= MAX_OPER_FAILURES) throw operFailed('mismatch', true);
    const verdict = await this.credentials.check(name, password, member.peer.address?.());
    if (member.gone) return;
    if (verdict !== 'ok') {
      const failures = (this.failures.get(member) ?? 0) + 1;
      this.failures.set(member, failures);
      const lockedOut = failures >= MAX_OPER_FAILURES;
      this.log(member, 'oper-failed', name, {
        outcome: verdict,
        ...(lockedOut ? { lockedOut } : {}),
      });
      throw operFailed(verdict, lockedOut);
    }
    await this.audit(nick, 'oper', name);
    if (member.gone) return;
    this.failures.delete(member);
    member.operator = name;
    this.online.add(member);
    this.options.roster.share(member);
    this.log(member, 'oper', name);
    member.send({ type: 'oper', name });
  }

  /** The member is no longer a server operator (IRC's MODE nick -o, /deoper). */
  deoper(member: Member): void {
    const name = this.require(member);
    member.operator = undefined;
    this.online.delete(member);
    this.options.roster.share(member);
    this.log(member, 'deoper', name);
    member.send({ type: 'oper', name: undefined });
    // Giving up the power must not wait for the store, nor fail with it.
    this.audit(member.nick!, 'deoper', name).catch((error) => this.options.onStoreError?.(error));
  }

  /**
   * Disconnects the user holding `nick`, here or on another node: they are told who did it
   * and why, and everyone sharing a room with them hears it as their quit.
   */
  async kill(member: Member, nick: string, reason: string): Promise<void> {
    this.require(member);
    const target = this.options.presence.describe(nick);
    if (!target) {
      throw new ChatError('NO_SUCH_NICK', `Nobody is called "${nick}".`, { about: [nick] });
    }
    const clean = cleanReason(reason);
    const actor = member.nick!;
    await this.audit(actor, 'kill', target.nick, clean);
    const said = `Killed by ${actor}${clean ? ` (${clean})` : ''}`;
    const local = this.options.presence.find(target.nick);
    if (local) this.end(local, said, 'killed');
    else {
      this.options.fanout.publish(
        { type: 'kill', nick: actor, target: target.nick, reason: said },
        ELSEWHERE,
      );
    }
    this.log(member, 'kill', member.operator, { target: target.nick });
    member.send({ type: 'notice', text: `You killed ${target.nick}${clean ? ` (${clean})` : ''}` });
  }

  /** A message to every server operator, and to IRC users with user mode +w, on every node. */
  wallops(member: Member, text: string): void {
    this.require(member);
    checkText(text, MAX_WALLOPS_BYTES);
    this.log(member, 'wallops', member.operator);
    this.options.fanout.publish(
      { type: 'wallops', nick: member.nick!, text: text.trim() },
      { everyone: true },
    );
  }

  /** Sets a server ban (K-line) and says so to the operator; see ServerBans.set. */
  async kline(
    member: Member,
    target: string,
    options: { durationMs?: number | undefined; reason?: string | undefined } = {},
  ): Promise<void> {
    this.require(member);
    const ban = await this.bans.set(member.nick!, target, options);
    this.log(member, 'kline', member.operator, { target: ban.mask });
    const left =
      ban.expiresAt === undefined ? '' : ` for ${formatDuration(ban.expiresAt - ban.setAt)}`;
    member.send({
      type: 'notice',
      text: `Added a server ban (K-line) on ${ban.mask}${left}${ban.reason ? `: ${ban.reason}` : ''}`,
    });
  }

  async unkline(member: Member, target: string): Promise<void> {
    this.require(member);
    const mask = await this.bans.lift(member.nick!, target);
    this.log(member, 'unkline', member.operator, { target: mask });
    member.send({ type: 'notice', text: `Removed the server ban (K-line) on ${mask}` });
  }

  /** The server bans in force, to the operator who asked. */
  showKlines(member: Member): void {
    this.require(member);
    member.send({ type: 'server-bans', entries: this.bans.list() });
  }

  /** Refuses a first nickname to a user a server ban holds on (see ServerBans.admit). */
  admit(member: Member, nick: string): void {
    this.bans.admit(member, nick);
  }

  mayRename(member: Member, nick: string): void {
    this.bans.mayRename(member, nick);
  }

  /** The member is gone from this node. */
  gone(member: Member): void {
    this.online.delete(member);
  }

  /** What operators on other nodes did that this node carries out: kills, server bans. */
  fromElsewhere(event: Extract<ChatEvent, { type: 'kill' | 'server-ban' }>): void {
    if (event.type === 'server-ban') {
      this.bans.fromElsewhere(event);
      return;
    }
    const member = this.options.presence.find(event.target);
    if (member && foldCase(event.target) === member.nickKey) {
      this.end(member, event.reason, 'killed');
    }
  }

  /** Throws NOT_SERVER_OPERATOR unless the member is one; gives the operator's name. */
  private require(member: Member): string {
    requireNick(member);
    if (member.operator === undefined) {
      throw new ChatError('NOT_SERVER_OPERATOR', 'Only server operators may do that.', {
        about: [],
      });
    }
    return member.operator;
  }

  /** Out of the chat, its rooms hearing why, then its connection closed saying why. */
  private end(member: Member, reason: string, cause: DisconnectCause): void {
    this.options.detach(member, reason);
    member.peer.disconnect(reason, cause);
  }

  private async audit(actor: string, action: string, target: string, reason = ''): Promise<void> {
    const entry: NewAuditEntry = {
      room: SERVER_WIDE,
      time: this.options.now(),
      actor,
      action,
      target,
      reason,
    };
    await writeModeration(this.options.store, [], [entry]);
  }

  private log(
    member: Member,
    action: OperatorLogEntry['action'],
    operator: string | undefined,
    more: Partial<OperatorLogEntry> = {},
  ): void {
    this.options.onLog?.({
      action,
      nick: member.nick,
      operator,
      door: member.peer.protocol,
      address: member.peer.address?.(),
      ...more,
    });
  }
}

/** Other nodes, and nobody here: they carry it out for themselves from the event. */
const ELSEWHERE = {};

/** A failed OPER as the user is told: a wrong name and a wrong password alike. */
function operFailed(verdict: 'mismatch' | 'host', lockedOut: boolean): ChatError {
  const options = {
    about: [],
    ...(lockedOut
      ? { closes: { reason: 'Too many failed OPER attempts', cause: 'oper-failed' as const } }
      : {}),
  };
  return verdict === 'host'
    ? new ChatError('OPER_HOST', 'That operator may not be used from your address.', options)
    : new ChatError('OPER_FAILED', 'Wrong operator name or password.', options);
}

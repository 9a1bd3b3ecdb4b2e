import { createHash, timingSafeEqual } from 'node:crypto';
import type { Chat } from '../../core/chat.js';
import type { Logger } from '../../log.js';
import type { Cloak } from '../../net/cloak.js';
import type { IrcServer } from './commands/command.js';

export interface IrcDoorOptions {
  /** The name the server gives itself: prefix of its messages, 004, PONG, WHOIS 312. */
  serverName: string;
  /** MOTD lines; none sends 422. */
  motd: readonly string[];
  /** Time a connection has to register (NICK, USER, and CAP END if it started CAP). */
  registrationTimeoutMs: number;
  /** Silence after which a client is pinged... */
  pingIntervalMs: number;
  /** ...and how long it then has to say anything before it is dropped. */
  pingTimeoutMs: number;
  version: string;
  /** Inputs waiting to be handled before we stop reading the socket. */
  maxPendingInputs?: number;
  /** Messages of this connection being stored at once before its next input waits. */
  maxMessagesInFlight?: number;
  /** The connection password (--irc-password) a client must PASS to register; none: no check. */
  password?: string | undefined;
  /** The host users are shown for a client's address. */
  cloak?: Cloak | undefined;
}

/** What the door needs of each of its sessions. */
export interface IrcDoorSession {
  /** Pings a client silent too long, drops one that did not answer. */
  checkAlive(now: number): void;
  close(reason: string): void;
}

/** What all of one door's sessions share. */
export class IrcDoor implements IrcServer {
  readonly startedAt = new Date();
  /** Registered users with user mode +i, for LUSERS. */
  invisibleCount = 0;

  private readonly sessions = new Set<IrcDoorSession>();
  private keepalive: NodeJS.Timeout | undefined;
  /** Of --irc-password: what each PASS is compared with. */
  private readonly passwordDigest: Buffer | undefined;

  constructor(
    readonly chat: Chat,
    readonly options: IrcDoorOptions,
    readonly log: Logger,
  ) {
    this.passwordDigest = options.password === undefined ? undefined : sha256(options.password);
  }

  /**
   * Whether a client may register with what it sent in PASS: anything, without a password.
   * Digests are compared, in constant time: they are the same length whatever was sent, so
   * the time taken tells nothing of the password or of its length.
   */
  acceptsPassword(given: string | undefined): boolean {
    if (this.passwordDigest === undefined) return true;
    return given !== undefined && timingSafeEqual(sha256(given), this.passwordDigest);
  }

  /**
   * Keepalive is one timer for the whole door, not one per client (each would cost an idle
   * connection memory): every quarter of the shorter of the two times, each client is looked
   * at once, so a PING or a drop comes at most that much late.
   */
  add(session: IrcDoorSession): void {
    this.sessions.add(session);
    if (this.keepalive) return;
    const { pingIntervalMs, pingTimeoutMs } = this.options;
    const every = Math.max(Math.min(pingIntervalMs, pingTimeoutMs) / 4, 10);
    this.keepalive = setInterval(() => {
      const now = Date.now();
      for (const each of this.sessions) each.checkAlive(now);
    }, every);
    this.keepalive.unref();
  }

  remove(session: IrcDoorSession): void {
    this.sessions.delete(session);
  }

  /** Closes every client with an ERROR line (which IRC clients expect), and stops the timer. */
  closeAll(reason: string): void {
    clearInterval(this.keepalive);
    for (const session of this.sessions) session.close(reason);
  }

  adjustInvisible(delta: number): void {
    this.invisibleCount += delta;
  }

  /** Users' masks are nick!nick@<this>. */
  get host(): string {
    return this.options.serverName;
  }

  get version(): string {
    return this.options.version;
  }

  get motd(): readonly string[] {
    return this.options.motd;
  }
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

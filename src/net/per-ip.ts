import type { Socket } from 'node:net';
import type { Logger } from '../log.js';
import { AddressSet, limitKey } from './address.js';
import type { Connection } from './connection.js';
import { FdBudget } from './fd-budget.js';
import type { FloodOptions } from './flood.js';

export interface LimitsOptions {
  /** Addresses and CIDR blocks spared every limit below and flood control. */
  exempt: readonly string[];
  /** Connections open at once from one address (IPv6: one /64); 0: no limit. */
  maxConnectionsPerIp: number;
  /** New connections one address may open per minute; 0: no limit. */
  maxNewConnectionsPerIp: number;
  /** Connections without a nickname yet, at once, from one address; 0: no limit. */
  maxUnregisteredPerIp: number;
  /** Per connection; undefined: no flood control. */
  flood: FloodOptions | undefined;
}

export type Admission =
  | {
      ok: true;
      /** Flood control for this connection; undefined when its address is exempt. */
      flood: FloodOptions | undefined;
      /** Hands over the connection, so its registration is counted. */
      connected(connection: Connection): void;
    }
  | { ok: false; reason: string };

interface Source {
  open: number;
  unregistered: number;
  /** New connections still allowed: refilled at maxNewConnectionsPerIp a minute. */
  tokens: number;
  at: number;
  /** When its last "connection refused" line was logged, and refusals since. */
  loggedAt: number | undefined;
  unlogged: number;
}

const MINUTE_MS = 60_000;

const EXEMPT: Admission = { ok: true, flood: undefined, connected: () => {} };

/**
 * Per-address limits on connections, checked when one is accepted (for the WebSocket door:
 * at its HTTP upgrade). A state is kept per address while it has connections open, or has
 * used any of its new-connection allowance or been refused in the last minute.
 */
export class ConnectionLimiter {
  private readonly exempt: AddressSet;
  private readonly sources = new Map<string, Source>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly options: LimitsOptions,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
    private readonly fds: FdBudget = FdBudget.forThisProcess(),
  ) {
    this.exempt = new AddressSet(options.exempt);
    this.sweeper = setInterval(() => this.sweep(), MINUTE_MS);
    this.sweeper.unref();
  }

  /** One listener for every socket ('close' comes once), not a closure for each. */
  private readonly releaseFd = () => this.fds.release();

  /** Whether a connection from the socket's address may be accepted, and on what terms. */
  admit(socket: Socket, door: string): Admission {
    // Before any exemption: running out of file descriptors hurts everyone alike.
    if (!this.fds.tryTake()) {
      this.outOfFds(door);
      return { ok: false, reason: 'The server is full; try again later' };
    }
    socket.on('close', this.releaseFd);
    const address = socket.remoteAddress;
    if (address === undefined || this.exempt.has(address)) return EXEMPT;
    const key = limitKey(address);
    const now = this.now();
    const source = this.source(key, now);
    const { maxConnectionsPerIp, maxNewConnectionsPerIp, maxUnregisteredPerIp } = this.options;
    let reason: string | undefined;
    if (maxConnectionsPerIp > 0 && source.open >= maxConnectionsPerIp) {
      reason = `Too many connections from your address (at most ${maxConnectionsPerIp})`;
    } else if (maxUnregisteredPerIp > 0 && source.unregistered >= maxUnregisteredPerIp) {
      reason = `Too many connections without a nickname from your address (at most ${maxUnregisteredPerIp})`;
    } else if (maxNewConnectionsPerIp > 0 && source.tokens < 1) {
      reason = `Too many new connections from your address (at most ${maxNewConnectionsPerIp} a minute); try again later`;
    }
    if (reason !== undefined) {
      this.refused(source, key, door, reason, now);
      return { ok: false, reason };
    }
    source.tokens -= 1;
    source.open += 1;
    source.unregistered += 1;
    let registered = false;
    socket.once('close', () => {
      source.open -= 1;
      if (!registered) source.unregistered -= 1;
    });
    return {
      ok: true,
      flood: this.options.flood,
      connected(connection) {
        connection.onRegistered = () => {
          if (registered) return;
          registered = true;
          source.unregistered -= 1;
        };
      },
    };
  }

  close(): void {
    clearInterval(this.sweeper);
  }

  private fdsLoggedAt: number | undefined;
  private fdsRefused = 0;

  /** Once a minute at most, with the count: the operator must learn of it, not drown in it. */
  private outOfFds(door: string): void {
    this.fdsRefused += 1;
    const now = this.now();
    if (this.fdsLoggedAt !== undefined && now - this.fdsLoggedAt < MINUTE_MS) return;
    this.log.error(
      {
        event: 'refused',
        door,
        reason: 'out of file descriptors',
        limit: this.fds.limit,
        refused: this.fdsRefused,
      },
      'connection refused: the process is near its open-file limit (ulimit -n)',
    );
    this.fdsLoggedAt = now;
    this.fdsRefused = 0;
  }

  /** One line per address per minute, however many attempts: a flood must not flood the log. */
  private refused(source: Source, key: string, door: string, reason: string, now: number): void {
    source.unlogged += 1;
    if (source.loggedAt !== undefined && now - source.loggedAt < MINUTE_MS) return;
    this.log.warn(
      { event: 'refused', door, source: key, reason, refused: source.unlogged },
      'connection refused',
    );
    source.loggedAt = now;
    source.unlogged = 0;
  }

  private source(key: string, now: number): Source {
    const limit = this.options.maxNewConnectionsPerIp;
    let source = this.sources.get(key);
    if (source === undefined) {
      source = {
        open: 0,
        unregistered: 0,
        tokens: limit,
        at: now,
        loggedAt: undefined,
        unlogged: 0,
      };
      this.sources.set(key, source);
    } else {
      source.tokens = Math.min(limit, source.tokens + ((now - source.at) / MINUTE_MS) * limit);
      source.at = now;
    }
    return source;
  }

  /** Forgets addresses with nothing open, a full allowance and no recent refusal. */
  private sweep(): void {
    const now = this.now();
    for (const [key, source] of this.sources) {
      if (source.open > 0) continue;
      if (now - source.at < MINUTE_MS) continue;
      if (source.loggedAt !== undefined && now - source.loggedAt < MINUTE_MS) continue;
      this.sources.delete(key);
    }
  }
}

/**
 * Sends a refused client its one line and closes: not waiting long for it to read, and not
 * reading what it sends.
 */
export function refuseSocket(socket: Socket, lastWord: Buffer | string, graceMs: number): void {
  socket.on('error', () => socket.destroy());
  socket.end(lastWord);
  setTimeout(() => socket.destroy(), graceMs).unref();
}

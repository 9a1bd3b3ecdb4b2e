/**
 * Server operators as the core knows them: it asks whether a name and password (from an
 * address) make someone an operator, and tells what operators do to whoever keeps the server's
 * log. Who the operators are, and how passwords are hashed, is the server's business
 * (src/operators, the config file).
 */

/**
 * What an OPER attempt comes to: `ok`; `mismatch` for a wrong name or password (not saying
 * which); `host` for the right name and password from an address the operator may not use.
 */
export type OperVerdict = 'ok' | 'mismatch' | 'host';

export interface OperatorCredentials {
  /** Checks without blocking other clients (hashes are worked out off the event loop). */
  check(name: string, password: string, address: string | undefined): Promise<OperVerdict>;
}

/** A server with no operators configured: every attempt is a mismatch. */
export const NO_OPERATORS: OperatorCredentials = {
  check: async () => 'mismatch',
};

/**
 * One thing a server operator did, or tried to, for the server's log (never a password).
 * `nick` is who acted; `operator`, the operator name they held or tried.
 */
export interface OperatorLogEntry {
  action: 'oper' | 'oper-failed' | 'deoper' | 'kill' | 'kline' | 'unkline' | 'wallops';
  nick: string | undefined;
  operator: string | undefined;
  door: string;
  /** Where the connection comes from (the server's log may say; users are never told). */
  address: string | undefined;
  /** Why an OPER failed: a wrong name or password, or the wrong address. */
  outcome?: 'mismatch' | 'host';
  /** The failure was one too many: the connection is closed. */
  lockedOut?: boolean;
  /** Whom or what it was done to: a nickname or a mask. */
  target?: string;
}

/** Failed OPER attempts a connection may make; the last one closes it. */
export const MAX_OPER_FAILURES = 3;

/** Server bans (K-lines) kept at most, as a room keeps bans. */
export const MAX_SERVER_BANS = 1_000;

/** Longest WALLOPS text, in bytes: it must fit an IRC line with its sender's mask. */
export const MAX_WALLOPS_BYTES = 400;

import type { OperatorCredentials, OperVerdict } from '../core/operators/types.js';
import { AddressSet } from '../net/address.js';
import {
  DEFAULT_PARAMETERS,
  hashPassword,
  type PasswordHash,
  parsePasswordHash,
  verifyPassword,
} from './password.js';

/** A server operator as the config file defines it (see src/config/operators.ts). */
export interface OperatorConfig {
  name: string;
  /** A hash from `chatroom hash-password` (scrypt$...), never the password itself. */
  password: string;
  /** Addresses and CIDR blocks the operator may OPER from; ['*'] (the default) anywhere. */
  hosts: readonly string[];
}

/** Password checks running at once: scrypt takes libuv threads, which files and DNS need too. */
const MAX_CHECKS_AT_ONCE = 2;

interface Entry {
  hash: PasswordHash;
  /** undefined: any address. */
  hosts: AddressSet | undefined;
}

/**
 * The server operators of the config file, as the core asks about them: a name, a password
 * and the address of the connection come to a verdict. The password is checked first, and a
 * wrong name costs the same as a wrong password (a hash is checked either way), so nothing
 * tells whether a name exists.
 */
export class OperatorBook implements OperatorCredentials {
  private readonly entries = new Map<string, Entry>();
  /** What an unknown name is checked against: the same work as a real one's. */
  private readonly decoy: Promise<PasswordHash>;
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  /** Throws an Error for an entry that is not valid (the config file was checked before). */
  constructor(operators: readonly OperatorConfig[]) {
    for (const operator of operators) {
      const anywhere = operator.hosts.length === 0 || operator.hosts.includes('*');
      this.entries.set(operator.name, {
        hash: parsePasswordHash(operator.password),
        hosts: anywhere ? undefined : new AddressSet(operator.hosts),
      });
    }
    // With the parameters of the operators' own hashes, so that it takes as long as theirs.
    const first = this.entries.values().next().value?.hash;
    const parameters = first ? { ln: first.ln, r: first.r, p: first.p } : DEFAULT_PARAMETERS;
    this.decoy = hashPassword('not a password', parameters).then(parsePasswordHash);
    // Made now, not on the first OPER; unused if nobody ever tries.
    this.decoy.catch(() => {});
  }

  get size(): number {
    return this.entries.size;
  }

  async check(name: string, password: string, address: string | undefined): Promise<OperVerdict> {
    const entry = this.entries.get(name);
    const hash = entry?.hash ?? (await this.decoy);
    const matches = await this.limited(() => verifyPassword(password, hash));
    if (!entry || !matches) return 'mismatch';
    if (entry.hosts && (address === undefined || !entry.hosts.has(address))) return 'host';
    return 'ok';
  }

  /**
   * Runs at most MAX_CHECKS_AT_ONCE checks at a time; the others wait their turn, in order.
   * A check that ends hands its place to the next waiting, if any.
   */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= MAX_CHECKS_AT_ONCE) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else this.running++;
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }
}

import { AddressSet } from '../net/address.js';
import type { OperatorConfig } from '../operators/book.js';
import { looksLikeHash, parsePasswordHash } from '../operators/password.js';
import { UsageError } from './usage-error.js';

/*
 * Server operators in the config file (never a flag or the environment: a list of records
 * does not fit in one, and a password hash has no business in `ps`):
 *
 *     "operators": [
 *       { "name": "alice", "password": "scrypt$ln=15,r=8,p=1$...$...", "hosts": ["127.0.0.1"] }
 *     ]
 *
 * Everything is checked at startup, each mistake said with where it is; a password in plain
 * text is refused with how to hash it (and is never repeated in the message).
 */

/** The key of the config file that holds them. */
export const OPERATORS_KEY = 'operators';

export const HASH_HINT =
  'run `chatroom hash-password`, type the password, and put the line it prints here';

const EXAMPLE =
  '[{"name": "alice", "password": "scrypt$...", "hosts": ["127.0.0.1", "10.0.0.0/8"]}]';

const FIELDS = new Set(['name', 'password', 'hosts']);

/** Reads and checks the `operators` value of the config file at `path`. */
export function readOperators(value: unknown, path: string): OperatorConfig[] {
  const where = `${OPERATORS_KEY} in ${path}`;
  if (!Array.isArray(value)) {
    throw new UsageError(`${where} must be a list of operators, like ${EXAMPLE}`);
  }
  const names = new Set<string>();
  return value.map((item: unknown, index) => {
    const at = `${OPERATORS_KEY}[${index}] in ${path}`;
    if (typeof item !== 'object' || item === null || Array.isArray(item)) {
      throw new UsageError(`${at} must be an object, like ${EXAMPLE.slice(1, -1)}`);
    }
    const fields = item as Record<string, unknown>;
    for (const key of Object.keys(fields)) {
      if (!FIELDS.has(key)) {
        throw new UsageError(
          `${at}: unknown field "${key}" (an operator has name, password, hosts)`,
        );
      }
    }
    const name = fields.name;
    if (typeof name !== 'string' || !/^[A-Za-z0-9._-]{1,64}$/.test(name)) {
      throw new UsageError(
        `${at}: "name" must be 1 to 64 letters, digits, ".", "-" or "_" (the name given to OPER)`,
      );
    }
    if (names.has(name)) throw new UsageError(`${at}: the operator "${name}" is defined twice`);
    names.add(name);
    return { name, password: readHash(fields.password, at), hosts: readHosts(fields.hosts, at) };
  });
}

function readHash(value: unknown, at: string): string {
  if (typeof value !== 'string' || value === '') {
    throw new UsageError(`${at}: "password" must be a password hash; ${HASH_HINT}`);
  }
  if (!looksLikeHash(value)) {
    throw new UsageError(
      `${at}: "password" is not a password hash. Passwords are never kept in plain text: ${HASH_HINT}`,
    );
  }
  try {
    parsePasswordHash(value);
  } catch (error) {
    throw new UsageError(
      `${at}: "password" is not a valid hash (${(error as Error).message}); ${HASH_HINT}`,
    );
  }
  return value;
}

function readHosts(value: unknown, at: string): string[] {
  if (value === undefined) return ['*'];
  if (!Array.isArray(value) || value.length === 0 || !value.every((h) => typeof h === 'string')) {
    throw new UsageError(
      `${at}: "hosts" must be a list of addresses and CIDR blocks (["127.0.0.1", "10.0.0.0/8"]), or ["*"] for anywhere`,
    );
  }
  const hosts = value as string[];
  try {
    new AddressSet(hosts.filter((host) => host !== '*'));
  } catch (error) {
    throw new UsageError(`${at}: "hosts": ${(error as Error).message}, or "*" for anywhere`);
  }
  return hosts;
}

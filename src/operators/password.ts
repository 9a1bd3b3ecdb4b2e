import { randomBytes, type ScryptOptions, scrypt, timingSafeEqual } from 'node:crypto';

/**
 * Password hashes for server operators: scrypt (memory-hard, in Node.js itself), a random salt
 * for each hash, and the parameters written into the hash, so they can be raised later without
 * breaking the hashes already in config files:
 *
 *     scrypt$ln=15,r=8,p=1$<salt>$<key>
 *
 * ln is log2 of scrypt's cost N; salt and key are base64url. A password is never kept or
 * logged in plain text: the config file holds this string, made by `chatroom hash-password`.
 */

export const HASH_PREFIX = 'scrypt$';

export interface HashParameters {
  /** log2 of the CPU and memory cost N. */
  ln: number;
  /** Block size. */
  r: number;
  /** Parallelism. */
  p: number;
}

/** What new hashes use: N = 32768, r = 8 (32 MiB and some 100 ms on a laptop, once per OPER). */
export const DEFAULT_PARAMETERS: Readonly<HashParameters> = { ln: 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;

/** The bounds a hash's parameters are held to: a hash must not make a login take the machine. */
const LIMITS = { ln: [10, 20], r: [1, 32], p: [1, 16], salt: [8, 64], key: [16, 64] } as const;
/** The most memory one verification may take (128 * N * r * p bytes). */
const MAX_MEMORY = 256 * 1024 * 1024;

export interface PasswordHash extends HashParameters {
  salt: Buffer;
  key: Buffer;
}

/** Whether a config value is meant as a hash at all (rather than a password in plain text). */
export function looksLikeHash(text: string): boolean {
  return text.startsWith(HASH_PREFIX);
}

/** Reads a hash string; throws an Error saying what is wrong with it. */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split('$');
  if (parts.length !== 4 || parts[0] !== 'scrypt') {
    throw new Error('expected scrypt$ln=N,r=N,p=N$SALT$KEY');
  }
  const [, params = '', saltText = '', keyText = ''] = parts;
  const values = new Map<string, number>();
  for (const pair of params.split(',')) {
    const match = /^(ln|r|p)=(\d{1,3})$/.exec(pair);
    if (!match || values.has(match[1]!)) throw new Error(`bad parameter "${pair.slice(0, 20)}"`);
    values.set(match[1]!, Number(match[2]));
  }
  const parameters = { ln: values.get('ln'), r: values.get('r'), p: values.get('p') };
  for (const name of ['ln', 'r', 'p'] as const) {
    const value = parameters[name];
    const [low, high] = LIMITS[name];
    if (value === undefined) throw new Error(`no ${name}=`);
    if (value < low || value > high) throw new Error(`${name} must be from ${low} to ${high}`);
  }
  const { ln, r, p } = parameters as HashParameters;
  if (128 * 2 ** ln * r * p > MAX_MEMORY) throw new Error('the parameters need too much memory');
  const salt = base64url(saltText, 'salt', LIMITS.salt);
  const key = base64url(keyText, 'key', LIMITS.key);
  return { ln, r, p, salt, key };
}

function base64url(text: string, name: string, [low, high]: readonly [number, number]): Buffer {
  if (!/^[A-Za-z0-9_-]+$/.test(text)) throw new Error(`the ${name} is not base64url`);
  const bytes = Buffer.from(text, 'base64url');
  if (bytes.length < low || bytes.length > high) {
    throw new Error(`the ${name} must be ${low} to ${high} bytes`);
  }
  return bytes;
}

/** A new hash of the password, with a random salt. */
export async function hashPassword(
  password: string,
  parameters: HashParameters = DEFAULT_PARAMETERS,
): Promise<string> {
  if (password === '') throw new Error('the password is empty');
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, KEY_BYTES, parameters);
  const { ln, r, p } = parameters;
  return `${HASH_PREFIX}ln=${ln},r=${r},p=${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/**
 * Whether the password is the one hashed. scrypt runs on libuv's thread pool, not on the
 * event loop, so other clients are served meanwhile; the keys are compared in constant time.
 */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const key = await derive(password, hash.salt, hash.key.length, hash);
  return timingSafeEqual(key, hash.key);
}

function derive(
  password: string,
  salt: Buffer,
  length: number,
  { ln, r, p }: HashParameters,
): Promise<Buffer> {
  const N = 2 ** ln;
  const options: ScryptOptions = { N, r, p, maxmem: 2 * 128 * N * r * p };
  // The same password typed on another system may come in another Unicode form.
  const bytes = Buffer.from(password.normalize('NFC'), 'utf8');
  return new Promise((resolve, reject) => {
    scrypt(bytes, salt, length, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

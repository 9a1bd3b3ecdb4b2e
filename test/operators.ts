import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hashPassword } from '../src/operators/password.js';
import { parseServeArgs } from '../src/serve-options.js';
import type { RunningServer, ServerConfig } from '../src/server.js';
import { startTestServer, tempDir } from './helpers.js';

/** Cheap scrypt parameters (the least a config file takes): the tests hash and check a lot. */
const QUICK = { ln: 10, r: 8, p: 1 };

/**
 * The test servers' operators: alice may OPER from anywhere, faraway only from an address no
 * test client connects from (TEST-NET-1).
 */
export const OPERATORS = [
  { name: 'alice', password: 'correct horse', hosts: undefined },
  { name: 'faraway', password: 'far away', hosts: ['192.0.2.0/24'] },
] as const;

/**
 * A config file defining OPERATORS, as an administrator would write it: the passwords hashed
 * (`chatroom hash-password`), `hosts` left out for "anywhere". Returns its path.
 */
export async function operatorsConfigFile(): Promise<string> {
  const operators = await Promise.all(
    OPERATORS.map(async ({ name, password, hosts }) => ({
      name,
      password: await hashPassword(password, QUICK),
      ...(hosts ? { hosts } : {}),
    })),
  );
  const path = join(tempDir(), 'chatroom.json');
  writeFileSync(path, JSON.stringify({ operators }, null, 2));
  return path;
}

/** The server config `chatroom serve --config FILE` reads from such a file. */
export function configFromFile(path: string): Pick<ServerConfig, 'operators'> {
  const command = parseServeArgs(['--config', path]);
  if (command.help) throw new Error('expected a configuration');
  return { operators: command.config.operators };
}

/** A test server with OPERATORS, read from a config file the way `chatroom serve` reads it. */
export async function startOperatorServer(
  overrides: Partial<ServerConfig> = {},
): Promise<RunningServer> {
  return startTestServer({ ...configFromFile(await operatorsConfigFile()), ...overrides });
}

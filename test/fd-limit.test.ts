import { describe, expect, it } from 'vitest';
import { LINE_DOOR_ONLY, LineClient } from './helpers.js';
import { spawnServer } from './spawned-server.js';

const OPEN_FILES = 150;

describe('running out of file descriptors', () => {
  // At the real limit the kernel's refusal is silent (libuv accepts and closes by itself):
  // the server keeps a reserve and refuses first, saying so to the client and to the log.
  it('refuses clients past its budget with a line, and logs it once', async () => {
    const server = await spawnServer(['--store', 'memory', ...LINE_DOOR_ONLY], 'line', [
      'prlimit',
      `--nofile=${OPEN_FILES}:${OPEN_FILES}`,
    ]);
    const port = server.port;

    const clients = await Promise.all(
      Array.from({ length: OPEN_FILES - 30 }, () => LineClient.connect(port)),
    );
    // Every client hears first either the greeting or the refusal.
    const first = await Promise.all(clients.map((client) => client.waitFor(/^(\*\*\*|!!!) /)));
    const refused = first.filter((line) => line.startsWith('!!!'));
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused)).toEqual(
      new Set(['!!! The server is full; try again later (TOO_MANY_CONNECTIONS)']),
    );
    expect(first.length - refused.length).toBe(OPEN_FILES - 64);
    expect(server.stderr().match(/out of file descriptors/g)).toHaveLength(1);
  });
});

import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LINE_DOOR_ONLY, LineClient, onCleanup } from './helpers.js';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const OPEN_FILES = 150;

describe('running out of file descriptors', () => {
  // At the real limit the kernel's refusal is silent (libuv accepts and closes by itself):
  // the server keeps a reserve and refuses first, saying so to the client and to the log.
  it('refuses clients past its budget with a line, and logs it once', async () => {
    const child = spawn('prlimit', [
      `--nofile=${OPEN_FILES}:${OPEN_FILES}`,
      process.execPath,
      CLI,
      'serve',
      '--store',
      'memory',
      ...LINE_DOOR_ONLY,
    ]);
    onCleanup(() => {
      child.kill('SIGKILL');
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      child.on('exit', () => reject(new Error(`server exited: ${stderr}`)));
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const match = /line listening on [\d.]+:(\d+)/.exec(stdout);
        if (match) resolve(Number(match[1]));
      });
    });

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
    expect(stderr.match(/out of file descriptors/g)).toHaveLength(1);
  });
});

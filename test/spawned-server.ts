import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './helpers.js';

/** The built CLI, as users run it (npm test builds it first). */
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

export interface SpawnedServer {
  child: ChildProcessWithoutNullStreams;
  /** The port of the door waited for. */
  port: number;
  exited: Promise<number | null>;
  stderr(): string;
}

/**
 * Runs `chatroom serve ARGS` in a process of its own (killed after the test) and resolves
 * once `door` says it is listening. `prefix` runs it under another command (prlimit).
 */
export async function spawnServer(
  args: readonly string[],
  door: string,
  prefix: readonly string[] = [],
): Promise<SpawnedServer> {
  const pattern = new RegExp(`^${door} listening on [\\d.]+:(\\d+)$`, 'm');
  const { value: port, ...spawned } = await spawnServe(args, prefix, (stdout) => {
    const match = pattern.exec(stdout);
    return match ? Number(match[1]) : undefined;
  });
  return { ...spawned, port };
}

/**
 * Runs `chatroom serve ARGS` (killed after the test) until `ready` finds what it waits for
 * in what the server has printed so far; rejects if the server exits first.
 */
export async function spawnServe<T>(
  args: readonly string[],
  prefix: readonly string[],
  ready: (stdout: string) => T | undefined,
): Promise<Omit<SpawnedServer, 'port'> & { value: T }> {
  const [command, ...rest] = [...prefix, process.execPath, CLI, 'serve', ...args];
  const child = spawn(command!, rest);
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const value = await new Promise<T>((resolve, reject) => {
    let stdout = '';
    child.on('exit', () => reject(new Error(`server exited before listening: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const found = ready(stdout);
      if (found !== undefined) resolve(found);
    });
  });
  return { child, exited, stderr: () => stderr, value };
}

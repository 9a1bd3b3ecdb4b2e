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
  const port = await new Promise<number>((resolve, reject) => {
    let stdout = '';
    child.on('exit', () => reject(new Error(`server exited before listening: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = new RegExp(`^${door} listening on [\\d.]+:(\\d+)$`, 'm').exec(stdout);
      if (match) resolve(Number(match[1]));
    });
  });
  return { child, port, exited, stderr: () => stderr };
}

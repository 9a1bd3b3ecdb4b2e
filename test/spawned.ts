import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { onCleanup } from './helpers.js';

// The client is tested as people run it: the built CLI in a child process of its own.
export const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
// Generous, for a slow shared machine; a passing run never waits this long.
export const WAIT_MS = 10_000;

/** For a beforeAll: the tests run the built CLI, which a bare `vitest` does not build. */
export function requireBuiltCli(): void {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run "npm run build" first`);
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

type Matcher = string | RegExp;

/** A child process whose output a test can wait on, killed after the test if still running. */
export class Spawned {
  output = '';
  errors = '';
  exit: Exit | undefined;
  readonly exited: Promise<Exit>;
  private waiters: Array<() => void> = [];
  private linesRead = 0;

  constructor(readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      this.output += text;
      this.wake();
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (text: string) => {
      this.errors += text;
    });
    // Typing into a process that has just gone is not what a failing test should report.
    child.stdin.on('error', () => {});
    // 'close' rather than 'exit': by then all of its output has been read.
    this.exited = new Promise((resolve) => {
      const ended = (exit: Exit) => {
        this.exit ??= exit;
        resolve(this.exit);
        this.wake();
      };
      child.once('close', (code, signal) => ended({ code, signal }));
      // It could not be started at all (python3 missing, say).
      child.once('error', (error) => {
        this.errors += String(error);
        ended({ code: null, signal: null });
      });
    });
    onCleanup(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await this.exited;
    });
  }

  type(text: string): void {
    this.child.stdin.write(text);
  }

  /** Waits until the condition holds, failing with the output so far if it does not in time. */
  async waitUntil(condition: () => boolean, what: string, timeoutMs = WAIT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      const remaining = deadline - Date.now();
      if (this.exit || remaining <= 0) {
        const why = this.exit ? `exited (${JSON.stringify(this.exit)})` : 'timed out';
        throw new Error(
          `${why} waiting for ${what}; output:\n${JSON.stringify(this.output)}\nstderr:\n${this.errors}`,
        );
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Waits for the next complete output line (after those already consumed) that matches. */
  async nextLine(matcher: Matcher, timeoutMs?: number): Promise<string> {
    let found: string | undefined;
    await this.waitUntil(
      () => {
        const lines = this.output.split('\n');
        while (this.linesRead < lines.length - 1) {
          const line = lines[this.linesRead++]!;
          if (typeof matcher === 'string' ? line === matcher : matcher.test(line)) {
            found = line;
            return true;
          }
        }
        return false;
      },
      `a line matching ${JSON.stringify(String(matcher))}`,
      timeoutMs,
    );
    return found!;
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

/** `port`: the server's HTTP door, where the client finds the WebSocket API. */
export function connectArgs(port: number, nick: string): string[] {
  return [CLI, 'connect', '127.0.0.1', String(port), '--nick', nick];
}

/** The client with stdin and stdout piped, as in `... | chatroom connect`: no terminal. */
export function spawnClient(port: number, nick: string): Spawned {
  return new Spawned(spawn(process.execPath, connectArgs(port, nick), { stdio: 'pipe' }));
}

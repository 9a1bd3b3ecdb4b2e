/**
 * The benchmark's processes and how they talk. The orchestrator (bench/main.ts) starts the
 * server under test and the load generators as child processes and drives them by request and
 * reply over the IPC channel. Every child starts through `sh -c 'ulimit -n ...; exec node ...'`
 * so that its open-file soft limit is raised to the hard limit (10,000 sockets need more than
 * the usual soft limit of 1,024).
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';

/** Any object of methods taking at most one argument: what a child process serves. */
export type Api<T> = { [K in keyof T]: (params: never) => unknown };

interface Request {
  id: number;
  method: string;
  params: unknown;
}

type Reply = { id: number; result?: unknown; error?: string } | { ready: unknown };

/** In a child process: answers the parent's requests with `api`, and says `ready` once. */
export function serve<T extends Api<T>>(api: T, ready: unknown): void {
  const send = process.send?.bind(process);
  if (!send) throw new Error('this script is started by bench/main.js, with an IPC channel');
  process.on('message', (request: Request) => {
    const method = api[request.method as keyof T] as unknown as
      | ((params: unknown) => unknown)
      | undefined;
    Promise.resolve()
      .then(() => {
        if (!method) throw new Error(`no method ${request.method}`);
        return method.call(api, request.params);
      })
      .then(
        (result) => send({ id: request.id, result } satisfies Reply),
        (error: unknown) =>
          send({
            id: request.id,
            error: error instanceof Error ? (error.stack ?? error.message) : String(error),
          } satisfies Reply),
      );
  });
  // The parent going away (say, the benchmark was interrupted) ends the child too.
  process.on('disconnect', () => process.exit(0));
  send({ ready } satisfies Reply);
}

let fdLimitCache: number | undefined;

/** The open-file limit a child gets once `sh` has raised its soft limit to the hard one. */
export function childFdLimit(): number {
  if (fdLimitCache === undefined) {
    try {
      const out = execFileSync('sh', ['-c', `${RAISE_LIMIT} ulimit -n`], { encoding: 'utf8' });
      const limit = out.trim();
      fdLimitCache = limit === 'unlimited' ? 1_048_576 : Number(limit);
      if (!Number.isFinite(fdLimitCache)) fdLimitCache = 1_024;
    } catch {
      fdLimitCache = 1_024;
    }
  }
  return fdLimitCache;
}

const RAISE_LIMIT = 'ulimit -n "$(ulimit -Hn)" 2>/dev/null;';

export interface StartOptions {
  /** Extra node flags (e.g. --expose-gc). */
  execArgv?: readonly string[];
  /** How long the child may take to say it is ready. */
  timeoutMs?: number;
  /** Environment variables added to this process's. */
  env?: Record<string, string>;
  /** Which core it gets under --pin (pinCores). */
  role?: Role;
}

/** Under --pin, the server under test has a core of its own and its load the other. */
export type Role = 'server' | 'load';
const CORE_OF: Record<Role, number> = { server: 0, load: 1 };
let pinning = false;

/**
 * Pins each child by its role, and this process with the load, as an independent load
 * generator runs (one core for the server, another for the generator): the server's own
 * threads (SQLite's checkpointer, GC helpers) then share its one core instead of borrowing
 * the other.
 */
export function pinCores(): void {
  execFileSync('taskset', ['-a', '-p', '-c', String(CORE_OF.load), String(process.pid)], {
    stdio: 'ignore',
  });
  pinning = true;
}

/** A child process serving `T`, seen from the parent. */
export class Child<T extends Api<T>> {
  private nextId = 1;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private exitError: Error | undefined;
  readonly exited: Promise<void>;

  private constructor(
    readonly name: string,
    private readonly process: ChildProcess,
  ) {
    this.exited = new Promise((resolve) => {
      process.once('exit', (code, signal) => {
        this.exitError = new Error(`${name} exited (${signal ?? code})`);
        for (const { reject } of this.pending.values()) reject(this.exitError);
        this.pending.clear();
        resolve();
      });
    });
    process.on('message', (reply: Reply) => {
      if (!('id' in reply)) return;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`${name}: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
  }

  get pid(): number {
    return this.process.pid ?? -1;
  }

  /** Starts `script` (a compiled bench file) with `args`; resolves with what it said when ready. */
  static start<T extends Api<T>, R = unknown>(
    name: string,
    script: string,
    args: readonly string[],
    options: StartOptions = {},
  ): Promise<{ child: Child<T>; ready: R }> {
    const node = [process.execPath, ...(options.execArgv ?? []), script, ...args];
    const pin = pinning && options.role ? `taskset -c ${CORE_OF[options.role]} ` : '';
    const spawned = spawn('sh', ['-c', `${RAISE_LIMIT} exec ${pin}"$@"`, 'sh', ...node], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      env: { ...process.env, ...options.env },
    });
    const child = new Child<T>(name, spawned);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        spawned.kill('SIGKILL');
        reject(new Error(`${name} did not start within ${options.timeoutMs ?? 30_000} ms`));
      }, options.timeoutMs ?? 30_000);
      spawned.once('error', reject);
      void child.exited.then(() => {
        clearTimeout(timer);
        reject(child.exitError);
      });
      const onReady = (reply: Reply) => {
        if ('ready' in reply) {
          clearTimeout(timer);
          spawned.off('message', onReady);
          resolve({ child, ready: reply.ready as R });
        }
      };
      spawned.on('message', onReady);
    });
  }

  call<K extends keyof T & string>(
    method: K,
    ...params: Parameters<T[K]> extends [] ? [] : Parameters<T[K]>
  ): Promise<Awaited<ReturnType<T[K]>>> {
    if (this.exitError) return Promise.reject(this.exitError);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ id, method, params: params[0] } satisfies Request);
    });
  }

  /** Ends the child at once (SIGKILL) and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.process.exitCode === null && this.process.signalCode === null) {
      this.process.kill('SIGKILL');
    }
    await this.exited;
  }
}

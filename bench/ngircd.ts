/**
 * ngIRCd, the peer the IRC issue measures chatroom against (bench/targets.ts): found on this
 * machine, or installed from Debian's package when it is not. The server itself is started
 * for each run by bench/ngircd-server.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { NgircdReady } from './ngircd-server.js';
import { Child } from './rpc.js';
import type { Ports, ServerApi } from './server-common.js';

const DEBIAN_PATH = '/usr/sbin/ngircd';
/** ngIRCd's listen backlog (`ss -ltn` shows 10): how many may connect at once. */
export const NGIRCD_BACKLOG = 10;

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function onPath(): string | undefined {
  try {
    const found = execFileSync('sh', ['-c', 'command -v ngircd'], { encoding: 'utf8' }).trim();
    return found || undefined;
  } catch {
    return undefined;
  }
}

function version(binary: string): string {
  const out = spawnSync(binary, ['--version'], { encoding: 'utf8' });
  return (out.stdout || out.stderr || '').split('\n', 1)[0]!.trim() || 'unknown version';
}

export interface Found {
  binary: string;
  version: string;
}

let found: Found | undefined;

/**
 * The ngIRCd binary, installed with `apt-get install -y ngircd` if there is none; undefined
 * (with the reason printed) when it cannot be had, so that the rest of the benchmark runs.
 * (Debian's package also enables its own service on port 6667; the benchmark never uses it.)
 */
export function ensureNgircd(log: (text: string) => void): Found | undefined {
  const existing = executable(DEBIAN_PATH) ? DEBIAN_PATH : onPath();
  if (existing) {
    found = { binary: existing, version: version(existing) };
    return found;
  }
  const sudo = process.getuid?.() === 0 ? [] : ['sudo', '-n'];
  const run = (args: string[]) => {
    const command = [...sudo, 'apt-get', ...args];
    log(`running \`${command.join(' ')}\` ...`);
    return spawnSync(command[0]!, command.slice(1), {
      stdio: ['ignore', 'inherit', 'inherit'],
      env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
    });
  };
  log('ngIRCd is not installed.');
  let result = run(['install', '-y', 'ngircd']);
  // A fresh system (a container) may have no package lists yet.
  if (result.status !== 0 && !result.error) {
    run(['update']);
    result = run(['install', '-y', 'ngircd']);
  }
  const installed = executable(DEBIAN_PATH) ? DEBIAN_PATH : onPath();
  const why = result.error
    ? result.error.message
    : result.status === 0
      ? 'no ngircd binary after it'
      : `exit status ${result.status}`;
  // A package whose service could not be started (no init system in a container) still
  // leaves a binary the benchmark can run.
  if (result.status !== 0 && installed) log(`apt-get failed (${why}), but ${installed} is there`);
  if (!installed) {
    log(
      `could not install ngIRCd (${why}); the ngIRCd target is skipped. ` +
        'Install it (apt-get install ngircd) to compare the IRC door with it.',
    );
    return undefined;
  }
  found = { binary: installed, version: version(installed) };
  return found;
}

/** ngIRCd processes of runs not yet cleaned up: killed, too, if the orchestrator exits. */
const running = new Set<number>();

function kill(pid: number): void {
  running.delete(pid);
  try {
    process.kill(pid, 'SIGKILL');
  } catch {}
}

process.on('exit', () => {
  for (const pid of running) kill(pid);
});

/**
 * ngIRCd for one run, kept by bench/ngircd-server.ts, which the rig drives like any server.
 * `cleanup` kills ngIRCd by pid: should its keeper be killed first, ngIRCd would outlive the
 * run.
 */
export async function startNgircd(): Promise<{
  child: Child<ServerApi>;
  ports: Ports;
  cleanup: () => Promise<void>;
}> {
  if (!found) throw new Error('ngIRCd is not installed (see the message at the start)');
  const script = fileURLToPath(new URL('./ngircd-server.js', import.meta.url));
  const { child, ready } = await Child.start<ServerApi, NgircdReady>(
    'ngircd',
    script,
    [found.binary],
    { role: 'server' },
  );
  running.add(ready.pid);
  return { child, ports: ready.ports, cleanup: async () => kill(ready.pid) };
}

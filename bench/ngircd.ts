/**
 * ngIRCd, the peer the IRC issue measures chatroom against (bench/targets.ts): found on this
 * machine, or installed from Debian's package when it is not. The server itself is started
 * for each run by bench/ngircd-server.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

const DEBIAN_PATH = '/usr/sbin/ngircd';

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

/** The binary ensureNgircd found, for the rig to start. */
export function ngircdBinary(): string {
  if (!found) throw new Error('ngIRCd is not installed (see the message at the start)');
  return found.binary;
}

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
  const root = process.getuid?.() === 0;
  const command = root
    ? ['apt-get', 'install', '-y', 'ngircd']
    : ['sudo', '-n', 'apt-get', 'install', '-y', 'ngircd'];
  log(`ngIRCd is not installed: running \`${command.join(' ')}\` ...`);
  const result = spawnSync(command[0]!, command.slice(1), {
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  const installed = executable(DEBIAN_PATH) ? DEBIAN_PATH : onPath();
  if (result.status !== 0 || !installed) {
    const why = result.error ? result.error.message : `exit status ${result.status}`;
    log(
      `could not install ngIRCd (${why}); the ngIRCd target is skipped. ` +
        'Install it (apt-get install ngircd) to compare the IRC door with it.',
    );
    return undefined;
  }
  found = { binary: installed, version: version(installed) };
  return found;
}

/**
 * ngIRCd as a server under test: this small Node process writes a config into a fresh temp
 * dir, runs `ngircd -n` on it, and answers the orchestrator's requests (bench/server-common.ts)
 * for it, so that the rig drives ngIRCd like any other server.
 *
 *   node dist/bench/bench/ngircd-server.js /usr/sbin/ngircd
 *
 * ngIRCd is not a Node process: its CPU time and memory are read from /proc/PID, and its
 * "event-loop utilisation" is its CPU share (one thread, one epoll loop; with DNS and ident
 * off it starts no helper processes), so the usage columns mean for it what they mean for Node.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { clock } from './clock.js';
import { serve } from './rpc.js';
import type { ServerApi, ServerMark } from './server-common.js';

/** What this process says when ready: the IRC port, and ngIRCd's pid to kill should we die. */
export interface NgircdReady {
  ports: { irc: number };
  pid: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ
const PAGE_SIZE = 4096;

/**
 * The generated config. Everything that would make ngIRCd wait on the outside world (PAM,
 * ident, DNS) or throttle, penalise or refuse the load generator's fast clients on one address
 * is off or unlimited; what is left of its flood control is hard-wired (see docs/benchmarks.md).
 */
export function ngircdConfig(port: number, includeDir: string): string {
  return `[Global]
\tName = bench.ngircd.local
\tInfo = chatroom benchmark peer
\tAdminInfo1 = chatroom benchmark
\tAdminInfo2 = this machine
\tAdminEMail = bench@localhost
\tListen = 127.0.0.1
\tPorts = ${port}
\t# No MOTD file to find: a phrase.
\tMotdPhrase = benchmark
[Limits]
\t# The generator's thousands of clients all come from 127.0.0.1.
\tMaxConnections = 0
\tMaxConnectionsIP = 0
\tMaxJoins = 0
\tMaxNickLength = 30
\t# 0 turns penalties off: without it each command a client sends costs it time, and a
\t# sender in a closed loop is held back to a few messages a second.
\tMaxPenaltyTime = 0
\t# A measured run is seconds long; no PING should land inside one.
\tPingTimeout = 600
\tPongTimeout = 600
[Options]
\tPAM = no
\tIdent = no
\tDNS = no
\tRequireAuthPing = no
\tNoticeBeforeRegistration = no
\t# An empty directory of its own, so that snippets in /etc/ngircd are not read.
\tIncludeDir = ${includeDir}
`;
}

/** A port on 127.0.0.1 that nothing listens on (the kernel's pick, given back at once). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** ngIRCd's CPU time (ms) and resident memory (bytes), from /proc. */
function readProc(pid: number): { cpuMs: number; rss: number } {
  const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  // Fields after the command name, which is in parentheses and may hold spaces.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  const pages = Number(readFileSync(`/proc/${pid}/statm`, 'latin1').split(' ')[1]);
  return { cpuMs: (ticks * 1000) / TICKS_PER_SECOND, rss: pages * PAGE_SIZE };
}

async function main(): Promise<void> {
  const binary = process.argv[2] ?? 'ngircd';
  const dir = mkdtempSync(join(tmpdir(), 'chatroom-bench-ngircd-'));
  const includeDir = join(dir, 'conf.d');
  mkdirSync(includeDir);
  // Started as root, ngIRCd drops to "nobody", which must still read its config.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const configFile = join(dir, 'ngircd.conf');
  writeFileSync(configFile, ngircdConfig(port, includeDir));

  const log: string[] = [];
  let exhausted = 0;
  const ngircd: ChildProcess = spawn(binary, ['--nodaemon', '--passive', '--config', configFile], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      // The one way ngIRCd drops a client for being slow to read: worth a note.
      if (line.includes('exhausted')) {
        if (exhausted++ === 0) process.stderr.write(`    ngIRCd: ${line}\n`);
      }
      log.push(line);
      if (log.length > 20) log.shift();
    }
  };
  ngircd.stdout?.on('data', keep);
  ngircd.stderr?.on('data', keep);
  let gone = false;
  ngircd.once('exit', (code, signal) => {
    gone = true;
    if (!stopping) {
      process.stderr.write(`ngIRCd exited (${signal ?? code}):\n  ${log.join('\n  ')}\n`);
      process.exit(1);
    }
  });
  let stopping = false;
  const stop = () => {
    stopping = true;
    if (!gone) ngircd.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.on('exit', stop);
  // A signal (Ctrl-C, `timeout`) would end Node without its exit handlers, leaving ngIRCd
  // behind; ngIRCd, busy with thousands of clients, may not get round to its own shutdown.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => process.exit(1));
  }

  const deadline = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (gone || Date.now() > deadline) {
      throw new Error(`ngIRCd did not accept on port ${port}:\n  ${log.join('\n  ')}`);
    }
    await sleep(50);
  }
  const pid = ngircd.pid!;
  const startedAt = clock();
  const mark = (): ServerMark => {
    const at = clock();
    const { cpuMs, rss } = readProc(pid);
    const wall = at - startedAt;
    return {
      at,
      cpuMs,
      elu: { active: cpuMs, idle: Math.max(0, wall - cpuMs) },
      rss,
      heapUsed: 0,
      heapTotal: 0,
      external: 0,
      extra: { writeBufferExhausted: exhausted },
    };
  };
  serve<ServerApi>(
    {
      mark: async () => mark(),
      // Nothing to collect: C frees as it goes. A pause keeps the reading comparable.
      gc: async () => {
        await sleep(500);
        return mark();
      },
      exit() {
        setImmediate(() => process.exit(0));
      },
    },
    { ports: { irc: port }, pid } satisfies NgircdReady,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});

import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  FramedClient,
  IrcClient,
  LINE_DOOR_ONLY,
  LineClient,
  onCleanup,
  tempDir,
} from './helpers.js';
import { WsClient } from './ws-client.js';

// The built CLI, as users run it (npm test builds it first).
const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function run(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    timeout: 10_000,
    env: { ...process.env, ...env },
  });
}

interface ServerProcess {
  child: ChildProcessWithoutNullStreams;
  ports: Map<string, number>;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
}

/** Starts `chatroom serve` and waits until `doors` doors say they are listening. */
async function serve(
  args: readonly string[],
  doors = 3,
  dataDir = tempDir(),
  env: Record<string, string> = {},
): Promise<ServerProcess> {
  const child = spawn(process.execPath, [CLI, 'serve', '--data-dir', dataDir, ...args], {
    env: { ...process.env, ...env },
  });
  onCleanup(() => {
    child.kill('SIGKILL');
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  const ports = new Map<string, number>();
  await new Promise<void>((resolve, reject) => {
    child.on('exit', () => reject(new Error(`server exited early: ${stderr}`)));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      for (const match of stdout.matchAll(/^(\w+) listening on [\d.]+:(\d+)$/gm)) {
        ports.set(match[1]!, Number(match[2]));
      }
      if (ports.size === doors) resolve();
    });
  });
  return { child, ports, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Holds a free port for the test, as another program would. */
async function takePort(): Promise<number> {
  const blocker = createServer();
  await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  onCleanup(() => new Promise<void>((resolve) => blocker.close(() => resolve())));
  return (blocker.address() as { port: number }).port;
}

describe('chatroom CLI', () => {
  it('documents every serve flag', () => {
    const help = run(['serve', '--help']);
    expect(help.status).toBe(0);
    for (const flag of [
      '--host',
      '--line-port',
      '--framed-port',
      '--http-port',
      '--allowed-origins',
      '--public-host',
      '--irc-port',
      '--server-name',
      '--max-line-bytes',
      '--max-queue-bytes',
      '--slow-client-timeout',
      '--nick-timeout',
      '--shutdown-grace',
      '--data-dir',
      '--database-url',
      '--store',
      '--sqlite-synchronous',
      '--history-on-join',
      '--history-days',
      '--history-max-per-room',
      '--max-pending-writes',
      '--rooms-per-minute',
      '--room-burst',
      '--max-rooms',
      '--room-expiry',
      '--nick-changes-per-minute',
      '--nick-change-burst',
      '--log-level',
      '--config',
      '--help',
      // Limits against floods.
      '--limits-exempt',
      '--flood-burst',
      '--flood-rate',
      '--flood-max-pending',
      '--max-connections-per-ip',
      '--max-new-connections-per-ip',
      '--max-unregistered-per-ip',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(run(['--help']).stdout).toContain('chatroom connect [HOST] [PORT] --nick NAME');
    const connectHelp = run(['connect', '--help']).stdout;
    expect(connectHelp).toContain('--nick NAME');
    // The client speaks the WebSocket API, so its PORT is the HTTP door's.
    expect(connectHelp).toMatch(
      /PORT +its HTTP port, chatroom serve's --http-port \(default 8080\)/,
    );
  });

  it('rejects bad flags with a hint, not a stack trace', () => {
    // The rules themselves are tested in-process (src/serve-options.test.ts); this is the
    // exit code and the shape of the message a user sees.
    for (const args of [
      ['serve', '--line-port', 'lots'],
      ['serve', '--bogus'],
      ['serve', '--database-url', 'mysql://x'],
      ['connect', '127.0.0.1', '70000'],
      ['dance'],
    ]) {
      const result = run(args);
      expect({ args, status: result.status, stderr: result.stderr }).toEqual({
        args,
        status: 2,
        stderr: expect.stringMatching(/^chatroom: .*\nTry "chatroom --help"\.\n$/),
      });
    }
    expect(run(['serve', '--database-url', 'mysql://x']).stderr).toContain(
      'only PostgreSQL is supported',
    );
  });

  it('takes settings from a config file and the environment, flags first', async () => {
    const file = join(tempDir(), 'chatroom.json');
    writeFileSync(file, JSON.stringify({ linePort: 'off', framedPort: 'off', store: 'memory' }));
    const server = await serve(['--config', file, '--http-port', 'off'], 1, tempDir(), {
      CHATROOM_IRC_PORT: '0',
      CHATROOM_HTTP_PORT: '0',
      CHATROOM_SERVER_NAME: 'irc.example.org',
    });
    expect(server.stdout()).toMatch(/^irc listening on 127\.0\.0\.1:\d+\n$/);
    const irc = await IrcClient.register(server.ports.get('irc')!, 'alice');
    expect(
      irc.sawLine(':irc.example.org 004 alice irc.example.org chatroom iow biklmnostv bklov'),
    ).toBe(true);
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);

    writeFileSync(file, JSON.stringify({ linePrt: 0 }));
    const typo = run(['serve', '--config', file]);
    expect({ status: typo.status, stderr: typo.stderr }).toEqual({
      status: 2,
      stderr: `chatroom: ${file}: unknown setting "linePrt"; keys are the flags of chatroom serve in camelCase, e.g. "linePort"\nTry "chatroom --help".\n`,
    });
    const bad = run(['serve'], { CHATROOM_MAX_ROOMS: 'many' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('chatroom: CHATROOM_MAX_ROOMS needs a whole number, not "many"');
  });

  it('names every taken port at once, and suggests another server is running', async () => {
    const [linePort, ircPort] = await Promise.all([takePort(), takePort()]);
    const result = run([
      'serve',
      '--store',
      'memory',
      '--line-port',
      String(linePort),
      '--framed-port',
      '0',
      '--http-port',
      'off',
      '--irc-port',
      String(ircPort),
    ]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(`line 127.0.0.1:${linePort} already in use`);
    expect(result.stderr).toContain(`irc 127.0.0.1:${ircPort} already in use`);
    expect(result.stderr).not.toContain('framed');
    expect(result.stderr).toContain('another chatroom server');
    expect(result.stderr).toContain('--line-port, --irc-port');
    expect(result.stderr).not.toContain('    at ');
  });

  it('refuses a second server on the same data directory', async () => {
    const dataDir = tempDir();
    const first = await serve(LINE_DOOR_ONLY, 1, dataDir);
    const second = run(['serve', '--data-dir', dataDir, ...LINE_DOOR_ONLY]);
    expect(second.status).toBe(1);
    expect(second.stderr).toBe(
      `chatroom: another chatroom server (pid ${first.child.pid}) is already using the data directory ${dataDir}; ` +
        'two servers on one directory would each hand out the same nicknames. ' +
        'Stop the other server, or give this one its own --data-dir.\n',
    );
    // Once the first is gone, however it went, the directory is free again.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = await serve(LINE_DOOR_ONLY, 1, dataDir);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);
  });

  it('prints its doors, and on SIGTERM tells every client, closes and exits 0', async () => {
    const server = await serve([
      '--line-port',
      '0',
      '--framed-port',
      '0',
      '--http-port',
      '0',
      '--irc-port',
      'off',
    ]);
    const alice = await LineClient.join(server.ports.get('line')!, 'alice');
    const bob = await FramedClient.connect(server.ports.get('framed')!);
    bob.send('bob');
    await bob.waitFor('*', 'Now talking in #lobby');
    const unnamed = await LineClient.connect(server.ports.get('line')!);
    await unnamed.waitFor(/What is your nickname/);
    const carol = await WsClient.join(server.ports.get('http')!, 'carol');

    server.child.kill('SIGTERM');
    await alice.waitFor('*** The server is shutting down. Goodbye!');
    await bob.waitFor('*', 'The server is shutting down. Goodbye!');
    await unnamed.waitFor('*** The server is shutting down. Goodbye!');
    await carol.waitFor({ type: 'notice', text: 'The server is shutting down. Goodbye!' });
    await Promise.all([alice.closed, bob.closed, unnamed.closed]);
    expect((await carol.closed).code).toBe(1001);
    expect(await server.exited).toBe(0);
    // Everyone was told once; nobody heard the others leave one by one.
    expect(alice.sawLine(/left the chat/)).toBe(false);
    const events = server
      .stderr()
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { event?: string });
    expect(events.filter((e) => e.event === 'connect')).toHaveLength(4);
    expect(events.filter((e) => e.event === 'disconnect')).toHaveLength(4);
  });

  it('serves only the doors asked for', async () => {
    const server = await serve(['--store', 'memory', ...LINE_DOOR_ONLY], 1);
    server.child.kill('SIGINT');
    expect(await server.exited).toBe(0);
    expect(server.stdout()).toMatch(/^line listening on 127\.0\.0\.1:\d+\n$/);
  });

  it('opens the IRC door alone, under the --server-name given', async () => {
    const server = await serve(
      [
        '--store',
        'memory',
        '--line-port',
        'off',
        '--framed-port',
        'off',
        '--http-port',
        'off',
        '--irc-port',
        '0',
        '--server-name',
        'irc.example.org',
      ],
      1,
    );
    expect(server.stdout()).toMatch(/^irc listening on 127\.0\.0\.1:\d+\n$/);
    const port = server.ports.get('irc')!;
    const irc = await IrcClient.register(port, 'alice');
    expect(
      irc.sawLine(':irc.example.org 004 alice irc.example.org chatroom iow biklmnostv bklov'),
    ).toBe(true);
    irc.send('PING :x');
    await irc.waitFor(':irc.example.org PONG irc.example.org :x');
    server.child.kill('SIGTERM');
    await irc.waitFor('ERROR :Closing Link: alice (Server shutting down)');
    expect(await server.exited).toBe(0);
  });
});

import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  FramedClient,
  IrcClient,
  LineClient,
  mask,
  onCleanup,
  startTestServer,
  tempDir,
} from './helpers.js';
import { poll } from './wait.js';

/**
 * Control and formatting characters across doors (docs/commands.md, "Control characters and
 * formatting"), with real clients: ii, a raw IRC client that writes what it receives to a
 * file as is, and the test suite's own socket clients.
 */

function readIfThere(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}

/** ii connected to `port` as `nick`, its files under a directory of its own. */
async function startIi(port: number, nick: string): Promise<{ dir: string; ii: ChildProcess }> {
  const prefix = tempDir();
  const ii = spawn('ii', ['-s', '127.0.0.1', '-p', String(port), '-n', nick, '-i', prefix], {
    stdio: 'ignore',
  });
  let failed: Error | undefined;
  ii.once('error', (error) => {
    failed = error;
  });
  const exited = once(ii, 'exit');
  onCleanup(async () => {
    if (ii.exitCode === null && ii.signalCode === null && ii.kill()) await exited;
  });
  const dir = join(prefix, '127.0.0.1');
  // ii writes the server's messages to `out`; the end of the MOTD means it is registered.
  await poll('ii to register', () => {
    if (failed) throw new Error(`could not run ii (Debian package ii): ${failed.message}`);
    return /End of \/MOTD/.test(readIfThere(join(dir, 'out'))) ? true : undefined;
  });
  return { dir, ii };
}

/** Writes a command to ii's `in` FIFO (non-blocking: ii holds it open for reading). */
function tellIi(dir: string, command: string): void {
  const fd = openSync(join(dir, 'in'), constants.O_WRONLY | constants.O_NONBLOCK);
  try {
    writeSync(fd, `${command}\n`);
  } finally {
    closeSync(fd);
  }
}

describe('control characters between doors', () => {
  it('shows a netcat user’s escape sequences to ii instead of sending them raw', async () => {
    const server = await startTestServer();
    const alice = await LineClient.join(server.port('line'), 'alice');
    const { dir } = await startIi(server.port('irc'), 'reader');
    tellIi(dir, '/j #lobby');
    await alice.waitFor('*** reader joined #lobby', 15_000);

    alice.send('hello \x1b[41;37mFAKE ALERT\x1b[0m \x1b]0;pwned-title\x07 end');
    alice.send('bell\x07 csi\u009b2J del\x7f so\x0e ctcp\x01VERSION\x01');
    alice.send('marker-done');
    const channel = join(dir, '#lobby', 'out');
    // The marker comes after the other lines, so once it is there they have all been written.
    const out = await poll('the marker in ii’s #lobby/out', () => {
      const text = readIfThere(channel);
      return text.includes('<alice> marker-done') ? text : undefined;
    });
    const bytes = readFileSync(channel);
    for (const raw of [0x1b, 0x07, 0x0e, 0x01, 0x7f]) expect(bytes.includes(raw)).toBe(false);
    expect(bytes.includes(Buffer.from('\u009b', 'utf8'))).toBe(false);
    expect(out).toContain('<alice> hello ^[[41;37mFAKE ALERT^[[0m ^[]0;pwned-title^G end');
    expect(out).toContain('<alice> bell^G csi\ufffd2J del^? so^N ctcp^AVERSION^A');
  }, 60_000);

  it('passes IRC formatting to IRC users and takes it out for the text doors', async () => {
    const server = await startTestServer();
    const bob = await IrcClient.register(server.port('irc'), 'bob');
    const carol = await IrcClient.register(server.port('irc'), 'carol');
    await bob.join('#lobby');
    await carol.join('#lobby');
    const alice = await LineClient.join(server.port('line'), 'alice');
    const dave = await FramedClient.connect(server.port('framed'));
    dave.send('dave');
    await dave.waitFor('*', 'Now talking in #lobby');

    bob.send('PRIVMSG #lobby :\x02bold\x02 \x0304,12red\x03 \x1dit\x1d\x0f \x1b[2J');
    await carol.waitFor(
      `:${mask('bob')} PRIVMSG #lobby :\x02bold\x02 \x0304,12red\x03 \x1dit\x1d\x0f ^[[2J`,
    );
    await alice.waitFor('<bob> bold red it ^[[2J');
    await dave.waitFor('bob', 'bold red it ^[[2J');
    bob.send('PRIVMSG #lobby :\x01ACTION waves \x02hard\x02\x01');
    await carol.waitFor(`:${mask('bob')} PRIVMSG #lobby :\x01ACTION waves \x02hard\x02\x01`);
    await alice.waitFor('* bob waves hard');
  });
});

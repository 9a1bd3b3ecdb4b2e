import { beforeAll, describe, expect, it } from 'vitest';
import { LineClient, startTestServer } from './helpers.js';
import { requireBuiltCli, spawnClient, WAIT_MS } from './spawned.js';

// The client speaks the WebSocket API (the HTTP door); the others here use the line door.

beforeAll(requireBuiltCli);

describe('the terminal client without a terminal (piped stdin and stdout)', () => {
  it('registers, sends what is typed, shows what arrives, passes /commands on, and quits', async () => {
    const server = await startTestServer({ framedPort: null });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');

    await carol.nextLine(`*** Connected to 127.0.0.1:${port}`);
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.');
    await carol.nextLine('*** Now talking in #lobby');
    await alice.waitFor('*** carol joined #lobby');

    carol.type('hello from the terminal\n');
    await alice.waitFor('<carol> hello from the terminal');
    alice.send('hi carol');
    await carol.nextLine('<alice> hi carol');

    carol.type('/join #dev\n');
    await carol.nextLine('*** You joined #dev');
    await carol.nextLine('*** Now talking in #dev');
    // Still in #lobby, which is no longer the current room, so the server says where.
    alice.send('still there?');
    await carol.nextLine('[#lobby] <alice> still there?');

    carol.type('/quit bye\n');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await alice.waitFor('*** carol left the chat (bye)');
    // Not a terminal: no prompt, no colours, no cursor movement.
    expect(carol.output).not.toContain('\x1b');
    expect(carol.output).not.toContain('nickname> ');
    expect(carol.output).not.toContain('#lobby> ');
  });

  it('sends lines piped in before it connected, in order, each to the room it was typed for', async () => {
    const server = await startTestServer({ framedPort: null });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    // All written at once, and the input ended, before the client has even connected.
    carol.child.stdin.end('first\n/join #dev\nfor dev\n/part #dev\nback\n');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await alice.waitFor('*** carol left the chat (Quit)');
    const fromCarol = alice.received.filter((line) => line.startsWith('<carol>'));
    expect(fromCarol).toEqual(['<carol> first', '<carol> back']);
    // "for dev" went to #dev, where alice is not.
    alice.send('/join #dev');
    alice.send('/history #dev');
    await alice.waitFor(/<carol> for dev$/);
  });

  it('exits with code 0 at the end of its input (Ctrl-D)', async () => {
    const server = await startTestServer({ framedPort: null });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await alice.waitFor('*** carol joined #lobby');

    carol.child.stdin.end();
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await alice.waitFor('*** carol left the chat (Quit)');
  });

  it('exits with code 0 on SIGINT (Ctrl-C), saying goodbye to the server first', async () => {
    const server = await startTestServer({ framedPort: null });
    const alice = await LineClient.join(server.port('line'), 'alice');
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await alice.waitFor('*** carol joined #lobby');

    carol.child.kill('SIGINT');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    // A /quit, not a dropped connection.
    await alice.waitFor('*** carol left the chat (Quit)');
  });
});

describe('the terminal client when the server goes away', () => {
  it('says so, reconnects by itself, registers again and rejoins its rooms', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');

    await server.stop();
    await carol.nextLine('*** The server is shutting down. Goodbye!');
    await carol.nextLine(/^!!! Disconnected from the server \(.+\)\. Reconnecting in 1 s\.\.\.$/);

    // Same port, new server: nothing of carol is left on it.
    const again = await startTestServer({ httpPort: port, framedPort: null });
    expect(again.port('http')).toBe(port);
    const dave = await LineClient.join(again.port('line'), 'dave');
    dave.send('/join #dev');
    const members = await dave.waitFor(/^\*\*\* #dev has \d+ members?: /);
    // The client retries after 1 s, so dave is almost always there first and sees carol come
    // in; on a very slow machine she may have beaten him to it, which proves the same.
    if (!members.split(': ')[1]!.split(' ').includes('carol')) {
      await dave.waitFor('*** carol joined #dev', WAIT_MS);
    }

    await carol.nextLine(`*** Connected to 127.0.0.1:${port}`);
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.');
    await carol.nextLine('*** You joined #dev');
    await carol.nextLine('*** Now talking in #dev');
    dave.send('/who #lobby');
    await dave.waitFor(/^\*\*\* #lobby has 2 members: (carol dave|dave carol)$/);

    carol.type('back again\n');
    await dave.waitFor('<carol> back again');
    carol.type('/quit\n');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await dave.waitFor('*** carol left the chat (Quit)');
  }, 30_000);

  it('leaves again the rooms it had left, and keeps its nickname through lines it could not send', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');
    carol.type('/part #lobby\n');
    await carol.nextLine('*** You left #lobby');

    await server.stop();
    await carol.nextLine(/^!!! Disconnected from the server/);
    carol.type('lost words\n');
    await carol.nextLine('!!! Not connected; that was not sent.');

    const again = await startTestServer({ httpPort: port, framedPort: null });
    // Its hello resumes #dev alone (an empty room it knew as such), so the server does not
    // put it in #lobby at all, as it did when the client spoke the line door.
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', 20_000);
    const back = carol.output.length;
    await carol.nextLine('*** You joined #dev');
    await carol.nextLine('*** Now talking in #dev');
    expect(carol.output.slice(back)).not.toContain('#lobby');

    const erin = await LineClient.join(again.port('line'), 'erin');
    erin.send('/who #lobby');
    await erin.waitFor('*** #lobby has 1 member: erin');
    erin.send('/who #dev');
    await erin.waitFor('*** #dev has 1 member: ~@carol');
    erin.send('/join #dev');
    await erin.waitFor('*** #dev has 2 members: ~@carol erin');
    carol.type('still here\n');
    await erin.waitFor('<carol> still here');
  }, 30_000);
});

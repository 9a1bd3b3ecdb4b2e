import { beforeAll, describe, expect, it } from 'vitest';
import { LineClient, startTestServer, tempDir } from './helpers.js';
import { CLI, requireBuiltCli, type Spawned, spawnClient } from './spawned.js';
import { Tmux } from './tmux.js';

// Reconnecting takes the client a second at least (its first backoff), more on a slow machine.
const RECONNECT_MS = 20_000;

beforeAll(requireBuiltCli);

/** What the client said about its current room since output offset `from`. */
function roomNotices(client: Spawned, from: number): string[] {
  return client.output
    .slice(from)
    .split('\n')
    .filter((line) => /^\*\*\* (Now talking in |You are not in any room now)/.test(line));
}

describe('the terminal client putting itself back after a reconnect', () => {
  it('says once which room it is talking in, not each room it passes through', async () => {
    const store = { kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' } as const;
    const server = await startTestServer({ framedPort: null, store });
    const port = server.port('http');
    const dave = await LineClient.join(server.port('line'), 'dave');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #ops\n');
    await carol.nextLine('*** Now talking in #ops');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');
    // A message seen in #dev: the client resumes that room rather than joining it.
    dave.send('/join #dev');
    await dave.waitFor('*** Now talking in #dev');
    dave.send('seen before');
    await carol.nextLine('<dave> seen before');

    await server.stop();
    await carol.nextLine(/^!!! Disconnected from the server/);
    const from = carol.output.length;
    await startTestServer({ framedPort: null, store, httpPort: port });
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', RECONNECT_MS);
    await carol.nextLine('*** Now talking in #dev');
    // The server answers in order, so once this is answered, so is all the client sent to put
    // itself back.
    carol.type('/who #ops\n');
    await carol.nextLine('*** #ops has 1 member: ~@carol');
    expect(roomNotices(carol, from)).toEqual(['*** Now talking in #dev']);
  }, 40_000);

  it('says so once when the room it is back in is the lobby', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');
    carol.type('/join #lobby\n');
    await carol.nextLine('*** Now talking in #lobby');

    await server.stop();
    await carol.nextLine(/^!!! Disconnected from the server/);
    const from = carol.output.length;
    const again = await startTestServer({ framedPort: null, httpPort: port });
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', RECONNECT_MS);
    await carol.nextLine('*** You joined #dev');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/who #dev\n');
    await carol.nextLine('*** #dev has 1 member: ~@carol');
    expect(roomNotices(carol, from)).toEqual(['*** Now talking in #lobby']);
    // Talking in the lobby again, as before.
    const erin = await LineClient.join(again.port('line'), 'erin');
    carol.type('back in the lobby\n');
    await erin.waitFor('<carol> back in the lobby');
  }, 40_000);
});

describe('the terminal client in no room', () => {
  it('leaves again the lobby the server puts it in after a reconnect', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('http');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/part\n');
    await carol.nextLine('*** You are not in any room now: /join #room to talk');

    await server.stop();
    await carol.nextLine(/^!!! Disconnected from the server/);
    const again = await startTestServer({ framedPort: null, httpPort: port });
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', RECONNECT_MS);
    await carol.nextLine('*** You joined #lobby');
    await carol.nextLine('*** You left #lobby');
    await carol.nextLine('*** You are not in any room now: /join #room to talk');
    const erin = await LineClient.join(again.port('line'), 'erin');
    erin.send('/who #lobby');
    await erin.waitFor('*** #lobby has 1 member: erin');
  }, 40_000);
});

describe('the terminal client prompt', () => {
  it('says it is disconnected while it is, then shows the room again, keeping what was typed', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('http');
    const terminal = await Tmux.start(
      [process.execPath, CLI, 'connect', '127.0.0.1', String(port), '--nick', 'carol'],
      { columns: 80, rows: 24 },
    );
    const showsLast = (line: string) =>
      terminal.waitFor((shown) => shown.lines.at(-1) === line, JSON.stringify(line));
    await showsLast('#lobby>');
    await terminal.type('/join #dev');
    await terminal.press('Enter');
    await showsLast('#dev>');
    await terminal.type('half a thought');
    await showsLast('#dev> half a thought');

    await server.stop();
    await showsLast('(disconnected)> half a thought');

    const again = await startTestServer({ framedPort: null, httpPort: port });
    // Only once it is back in #dev, with the reconnect's first backoff behind it.
    await terminal.waitFor(
      (shown) => shown.lines.at(-1) === '#dev> half a thought',
      'the room prompt again',
      RECONNECT_MS,
    );
    const erin = await LineClient.join(again.port('line'), 'erin');
    erin.send('/join #dev');
    await erin.waitFor('*** #dev has 2 members: ~@carol erin');
    await terminal.press('Enter');
    await erin.waitFor('<carol> half a thought');
  }, 40_000);
});

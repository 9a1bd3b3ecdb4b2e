import { beforeAll, describe, expect, it } from 'vitest';
import { LineClient, startTestServer, tempDir } from './helpers.js';
import { requireBuiltCli, spawnClient, WAIT_MS } from './spawned.js';

// The pure part, which messages are shown or held back, is tested in src/client/catch-up.test.ts.

beforeAll(requireBuiltCli);

/** How many lines of the output are a chat message (live or replayed) with this text. */
function shownCount(output: string, text: string): number {
  return output.split('\n').filter((line) => line.endsWith(`> ${text}`)).length;
}

describe('the terminal client catching up after a reconnect', () => {
  it('shows each message it missed exactly once, and nothing it had shown before', async () => {
    const store = { kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' } as const;
    // A short join replay, so the lobby's after the reconnect cannot cover all it missed.
    const config = { framedPort: null, store, historyOnJoin: 3 };
    const server = await startTestServer(config);
    const port = server.port('http');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const dave = await LineClient.join(server.port('line'), 'dave');
    bob.send('lobby old');
    await dave.waitFor('<bob> lobby old');
    dave.send('/join #dev');
    await dave.waitFor('*** Now talking in #dev');

    const carol = spawnClient(port, 'carol');
    await carol.nextLine(/^\*\*\* Last 1 message in #lobby /);
    await carol.nextLine(/^\[#lobby @1 [\d-]+ [\d:]+\] <bob> lobby old$/);
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');
    bob.send('lobby before');
    await carol.nextLine('[#lobby] <bob> lobby before');
    dave.send('dev before');
    await carol.nextLine('<dave> dev before');
    dave.send('/me waves before');
    await carol.nextLine('* dave waves before');
    carol.type('carol before\n');
    await dave.waitFor('<carol> carol before');

    await server.stop();
    await carol.nextLine(/^!!! Disconnected from the server/);

    // While the client is away, a server on the same store but on a port of its own takes
    // messages the client can only get by asking for what it missed.
    const meanwhile = await startTestServer({ ...config, httpPort: 0 });
    const post = async (client: LineClient, room: string, texts: string[]) => {
      client.send('/ids on');
      await client.waitFor('*** Message ids are on.');
      for (const text of texts) {
        client.send(text);
        await client.waitFor(new RegExp(`^\\*\\*\\* Sent @\\d+ to ${room}$`));
      }
    };
    const bob2 = await LineClient.join(meanwhile.port('line'), 'bob');
    await post(bob2, '#lobby', ['lobby missed 1', 'lobby missed 2', 'lobby missed 3']);
    await post(bob2, '#lobby', ['lobby missed 4', 'lobby missed 5']);
    const dave2 = await LineClient.join(meanwhile.port('line'), 'dave');
    dave2.send('/join #dev');
    await dave2.waitFor('*** Now talking in #dev');
    await post(dave2, '#dev', ['dev missed 1', 'dev missed 2']);
    await meanwhile.stop();

    // Back on the client's port, with more said right away, almost always before the client
    // (retrying 1 s, then 2 s, then 4 s after the drop) is back; if not, it sees them live.
    const again = await startTestServer({ ...config, httpPort: port });
    expect(again.port('http')).toBe(port);
    const bob3 = await LineClient.join(again.port('line'), 'bob');
    bob3.send('lobby missed late');
    const dave3 = await LineClient.join(again.port('line'), 'dave');
    dave3.send('/join #dev');
    await dave3.waitFor('*** Now talking in #dev');
    dave3.send('dev missed late');

    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', 20_000);
    await dave3.waitFor('*** carol joined #dev', WAIT_MS);
    await bob3.waitFor('*** carol joined #lobby', WAIT_MS);
    bob3.send('lobby live after');
    dave3.send('dev live after');
    // The server answers carol's requests in order, and holds #dev's live messages back until
    // it has sent her what she missed there; so once these two are shown, all of it is.
    await carol.waitUntil(
      () =>
        /^(\[#lobby\] )?<bob> lobby live after$/m.test(carol.output) &&
        /^<dave> dev live after$/m.test(carol.output),
      'the live messages after the reconnect',
    );

    const output = carol.output;
    const once = [
      'lobby old',
      'lobby before',
      'dev before',
      'lobby missed 1',
      'lobby missed 2',
      'lobby missed 3',
      'lobby missed 4',
      'lobby missed 5',
      'lobby missed late',
      'dev missed 1',
      'dev missed 2',
      'dev missed late',
      'lobby live after',
      'dev live after',
    ];
    expect(Object.fromEntries(once.map((text) => [text, shownCount(output, text)]))).toEqual(
      Object.fromEntries(once.map((text) => [text, 1])),
    );
    const lines = output.split('\n');
    expect(lines.filter((line) => line.endsWith('* dave waves before'))).toHaveLength(1);
    // Its own message, which its user typed, is not shown back to it as missed.
    expect(shownCount(output, 'carol before')).toBe(0);
    // Only the first join's replay is shown: the lobby's after the reconnect held nothing new.
    expect(lines.filter((line) => line.startsWith('*** Last '))).toHaveLength(1);
    // What was said in #dev while away came as a catch-up (the lobby's may have too).
    expect(
      lines.filter((line) => /^\*\*\* Missed in #dev: \d+ messages? /.test(line)),
    ).toHaveLength(1);
    // Ids are for the client: live messages show none, and the notices about them are hidden.
    const chat = lines.filter((line) => /^(\[#[^\] ]+\] )?(<\w+>|\* \w+) /.test(line));
    expect(chat.length).toBeGreaterThanOrEqual(5);
    for (const line of chat) expect(line).not.toMatch(/@\d/);
    expect(output).not.toContain('Message ids are');
    expect(output).not.toContain('*** Sent @');
    // Put back where it was: in both rooms, talking in #dev.
    carol.type('carol after\n');
    await dave3.waitFor('<carol> carol after');

    carol.type('/quit\n');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});

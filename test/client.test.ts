import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { CatchUp } from '../src/client/catch-up.js';
import { palette } from '../src/client/colors.js';
import { LineClient, startTestServer, tempDir } from './helpers.js';
import { connectArgs, requireBuiltCli, Spawned, spawnClient, WAIT_MS } from './spawned.js';

const PTY_RUN = fileURLToPath(new URL('./fixtures/pty-run.py', import.meta.url));
const COLUMNS = 100;

/** The client in a pseudo-terminal: what is typed goes to stdin, what it draws comes out. */
function spawnClientInTerminal(port: number, nick: string): Spawned {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => name !== 'NO_COLOR' && name !== 'TERM'),
  );
  return new Spawned(
    spawn(
      'python3',
      [PTY_RUN, String(COLUMNS), '30', process.execPath, ...connectArgs(port, nick)],
      { stdio: 'pipe', env: { ...env, TERM: 'xterm' } },
    ),
  );
}

interface TerminalScreen {
  /** Every row written so far (scrollback included), without trailing blanks or blank rows. */
  rows: string[];
  cursorRow: number;
  cursorColumn: number;
}

/**
 * Plays terminal output onto a screen: text, CR, LF, backspace, and the CSI cursor moves and
 * erases readline uses. Colours are dropped. What the user would see is what we assert on, so
 * a message drawn over the line being typed shows up as one garbled row.
 */
function renderTerminal(output: string): TerminalScreen {
  const rows: string[][] = [[]];
  let row = 0;
  let column = 0;
  const cells = () => {
    while (rows.length <= row) rows.push([]);
    return rows[row]!;
  };
  let i = 0;
  while (i < output.length) {
    const char = output[i]!;
    if (char === '\x1b') {
      if (output[i + 1] !== '[') {
        i += 2;
        continue;
      }
      let end = i + 2;
      while (end < output.length && !/[@-~]/.test(output[end]!)) end++;
      if (end >= output.length) break; // cut off mid-sequence: the rest is still on its way
      const params = output.slice(i + 2, end);
      const command = output[end]!;
      const first = Number.parseInt(params, 10);
      const count = Number.isNaN(first) || first === 0 ? 1 : first;
      const mode = Number.isNaN(first) ? 0 : first;
      switch (command) {
        case 'A':
          row = Math.max(0, row - count);
          break;
        case 'B':
          row += count;
          break;
        case 'C':
          column = Math.min(COLUMNS - 1, column + count);
          break;
        case 'D':
          column = Math.max(0, column - count);
          break;
        case 'G':
          column = Math.min(COLUMNS - 1, count - 1);
          break;
        case 'K': {
          const line = cells();
          if (mode === 0) line.length = Math.min(line.length, column);
          else if (mode === 1) for (let c = 0; c <= column && c < line.length; c++) line[c] = ' ';
          else line.length = 0;
          break;
        }
        case 'J':
          if (mode === 0) {
            const line = cells();
            line.length = Math.min(line.length, column);
            rows.length = row + 1;
          } else {
            for (const line of rows) line.length = 0;
          }
          break;
        default: // colours and anything else that does not move text
      }
      i = end + 1;
      continue;
    }
    if (char === '\r') column = 0;
    else if (char === '\n') row++;
    else if (char === '\b') column = Math.max(0, column - 1);
    else if (char >= ' ') {
      if (column >= COLUMNS) {
        row++;
        column = 0;
      }
      const line = cells();
      while (line.length < column) line.push(' ');
      line[column++] = char;
    }
    i++;
  }
  const text = rows.map((line) => line.join('').trimEnd());
  while (text.length > row + 1 && text[text.length - 1] === '') text.pop();
  return { rows: text, cursorRow: row, cursorColumn: column };
}

/** Waits until the terminal shows `rows` as its last rows, with the cursor on the last one. */
async function waitForScreen(
  terminal: Spawned,
  rows: string[],
  cursorColumn: number,
): Promise<TerminalScreen> {
  const expected = JSON.stringify(rows.map((row) => row.trimEnd()));
  let screen = renderTerminal('');
  const drawn = terminal.waitUntil(
    () => {
      screen = renderTerminal(terminal.output);
      return (
        screen.cursorRow === screen.rows.length - 1 &&
        screen.cursorColumn === cursorColumn &&
        JSON.stringify(screen.rows.slice(-rows.length)) === expected
      );
    },
    `a screen ending with ${JSON.stringify(rows)}, cursor in column ${cursorColumn}`,
  );
  await drawn.catch((error: Error) => {
    throw new Error(`${error.message}\nscreen:\n${screen.rows.join('\n')}`);
  });
  return screen;
}

beforeAll(requireBuiltCli);

describe('the terminal client without a terminal (piped stdin and stdout)', () => {
  it('registers, sends what is typed, shows what arrives, passes /commands on, and quits', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('line');
    const alice = await LineClient.join(port, 'alice');
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

  it('exits with code 0 at the end of its input (Ctrl-D)', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('line');
    const alice = await LineClient.join(port, 'alice');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    await alice.waitFor('*** carol joined #lobby');

    carol.child.stdin.end();
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await alice.waitFor('*** carol left the chat (Quit)');
  });

  it('exits with code 0 on SIGINT (Ctrl-C), saying goodbye to the server first', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('line');
    const alice = await LineClient.join(port, 'alice');
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
    const port = server.port('line');
    const carol = spawnClient(port, 'carol');
    await carol.nextLine('*** Now talking in #lobby');
    carol.type('/join #dev\n');
    await carol.nextLine('*** Now talking in #dev');

    await server.stop();
    await carol.nextLine('*** The server is shutting down. Goodbye!');
    await carol.nextLine(/^!!! Disconnected from the server \(.+\)\. Reconnecting in 1 s\.\.\.$/);

    // Same port, new server: nothing of carol is left on it.
    const again = await startTestServer({ linePort: port, framedPort: null });
    expect(again.port('line')).toBe(port);
    const dave = await LineClient.join(port, 'dave');
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
    const port = server.port('line');
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

    await startTestServer({ linePort: port, framedPort: null });
    // Registering puts everyone in #lobby; the client leaves it again, as before the outage.
    await carol.nextLine('*** Welcome to chatroom, carol! Type /help for commands.', 20_000);
    await carol.nextLine('*** You joined #lobby');
    await carol.nextLine('*** You joined #dev');
    await carol.nextLine('*** You left #lobby');

    const erin = await LineClient.join(port, 'erin');
    erin.send('/who #lobby');
    await erin.waitFor('*** #lobby has 1 member: erin');
    erin.send('/who #dev');
    await erin.waitFor('*** #dev has 1 member: carol');
    erin.send('/join #dev');
    await erin.waitFor('*** #dev has 2 members: carol erin');
    carol.type('still here\n');
    await erin.waitFor('<carol> still here');
  }, 30_000);
});

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
    const port = server.port('line');
    const bob = await LineClient.join(port, 'bob');
    const dave = await LineClient.join(port, 'dave');
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
    const meanwhile = await startTestServer({ ...config, linePort: 0 });
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
    const again = await startTestServer({ ...config, linePort: port });
    expect(again.port('line')).toBe(port);
    const bob3 = await LineClient.join(port, 'bob');
    bob3.send('lobby missed late');
    const dave3 = await LineClient.join(port, 'dave');
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

describe('catching up (CatchUp, fed server lines)', () => {
  const setup = (currentRoom = '#lobby') => {
    const shown: string[] = [];
    const sent: string[] = [];
    const state = { currentRoom: currentRoom as string | undefined };
    const catchUp = new CatchUp({
      show: (line) => shown.push(line),
      send: (line) => sent.push(line),
      currentRoom: () => state.currentRoom,
    });
    const feed = (...lines: string[]) => {
      for (const line of lines) catchUp.receive(line);
    };
    return { catchUp, shown, sent, state, feed };
  };
  const at = (room: string, id: number, text: string, from = 'bob') =>
    `[${room} @${id} 2026-11-22 12:01] <${from}> ${text}`;

  it('shows live messages without ids, hides the notices about ids, and keeps the newest id', () => {
    const { catchUp, shown, sent, feed } = setup();
    catchUp.requestIds();
    expect(sent).toEqual(['/ids on']);
    feed(
      '*** Message ids are on.',
      '[@4] <bob> hi',
      '[#Dev @7] * dave waves',
      '*** Sent @8 to #dev',
      '*** Sent @5 to #lobby',
      '*bob* a private word',
    );
    expect(shown).toEqual(['<bob> hi', '[#Dev] * dave waves', '*bob* a private word']);
    expect(catchUp.lastId('#LOBBY')).toBe(5);
    expect(catchUp.lastId('#dev')).toBe(8);
    expect(catchUp.lastId('#nowhere')).toBeUndefined();
    // The user did not ask for this one, so it is not theirs to see; a second one is.
    feed('*** Message ids are on.');
    expect(shown.at(-1)).toBe('*** Message ids are on.');
  });

  it('drops replayed messages already shown, with the heading and end of a replay of nothing new', () => {
    const { catchUp, shown, feed } = setup();
    feed('[@4] <bob> seen');
    shown.length = 0;
    feed('*** Last 2 messages in #lobby (times UTC):', at('#lobby', 3, 'a'), at('#lobby', 4, 'b'));
    feed('*** End of history of #lobby');
    expect(shown).toEqual([]);
    feed('*** Last 3 messages in #lobby (times UTC):', at('#lobby', 4, 'b'), at('#lobby', 5, 'c'));
    feed(at('#lobby', 6, 'd'), '*** End of history of #lobby');
    expect(shown).toEqual([
      '*** Last 3 messages in #lobby (times UTC):',
      at('#lobby', 5, 'c'),
      at('#lobby', 6, 'd'),
      '*** End of history of #lobby',
    ]);
    expect(catchUp.lastId('#lobby')).toBe(6);
  });

  it('shows whole the history the user asks for, without taking it as seen', () => {
    const { catchUp, shown, feed } = setup();
    feed('[@10] <bob> seen');
    shown.length = 0;
    const history = [
      '*** History of #lobby: 2 messages (times UTC):',
      at('#lobby', 3, 'a'),
      at('#lobby', 4, 'b'),
      '*** End of history of #lobby (more: /history #lobby before 3)',
      '*** Missed in #lobby: 1 message (times UTC):',
      at('#lobby', 9, 'c'),
      '*** End of history of #lobby',
    ];
    feed(...history);
    expect(shown).toEqual(history);
    expect(catchUp.lastId('#lobby')).toBe(10);
  });

  it('holds a resumed room back until what was missed has come, page by page, then lets it through', () => {
    const { catchUp, shown, sent, state, feed } = setup();
    feed('[@4] <bob> seen in the lobby', '[#dev @10] <dave> seen in dev');
    catchUp.disconnected();
    shown.length = 0;
    catchUp.hold('#lobby');
    catchUp.hold('#dev');
    catchUp.hold('#never-seen');
    feed('*** Welcome to chatroom, carol! Type /help for commands.', '*** You joined #lobby');
    // The lobby's replay on registering skips @5; the live message comes before our /resume.
    feed('*** Last 2 messages in #lobby (times UTC):', at('#lobby', 6, 'b'), at('#lobby', 7, 'c'));
    feed(
      '*** End of history of #lobby',
      '*** Now talking in #lobby',
      '<bob> before ids',
      '[@8] <bob> d',
    );
    expect(catchUp.resume('#lobby')).toBe(true);
    expect(catchUp.resume('#dev')).toBe(true);
    expect(catchUp.resume('#never-seen')).toBe(false);
    expect(sent).toEqual(['/resume #lobby 4', '/resume #dev 10']);
    feed(
      '*** Missed in #lobby: 4 messages (times UTC):',
      at('#lobby', 5, 'a'),
      at('#lobby', 6, 'b'),
    );
    feed(at('#lobby', 7, 'c'), at('#lobby', 8, 'd'), '*** End of history of #lobby');
    feed('*** You joined #dev');
    state.currentRoom = '#dev';
    feed(
      '*** Now talking in #dev',
      '[#lobby @9] <bob> e',
      '[@14] <dave> live',
      '*** Sent @15 to #dev',
    );
    feed(
      '*** Messages @11 to @11 of #dev are no longer kept',
      '*** Missed in #dev: 1 message (times UTC):',
      at('#dev', 12, 'x', 'dave'),
      '*** End of history of #dev (more: /resume #dev 12)',
    );
    expect(sent.at(-1)).toBe('/resume #dev 12');
    feed('*** Missed in #dev: 2 messages (times UTC):', at('#dev', 13, 'y', 'dave'));
    feed(at('#dev', 14, 'live', 'dave'), '*** End of history of #dev', '[@16] <dave> after');
    expect(shown).toEqual([
      '*** Welcome to chatroom, carol! Type /help for commands.',
      '*** You joined #lobby',
      '*** Now talking in #lobby',
      '*** Missed in #lobby: 4 messages (times UTC):',
      at('#lobby', 5, 'a'),
      at('#lobby', 6, 'b'),
      at('#lobby', 7, 'c'),
      at('#lobby', 8, 'd'),
      '*** End of history of #lobby',
      '*** You joined #dev',
      '*** Now talking in #dev',
      '[#lobby] <bob> e',
      '*** Messages @11 to @11 of #dev are no longer kept',
      '*** Missed in #dev: 1 message (times UTC):',
      at('#dev', 12, 'x', 'dave'),
      '*** End of history of #dev',
      '*** Missed in #dev: 2 messages (times UTC):',
      at('#dev', 13, 'y', 'dave'),
      at('#dev', 14, 'live', 'dave'),
      '*** End of history of #dev',
      '<dave> after',
    ]);
    expect(catchUp.lastId('#dev')).toBe(16);
  });

  it('says nothing when nothing was missed, but always tells of a gap', () => {
    const { catchUp, shown, feed } = setup();
    feed('[@4] <bob> seen', '[#dev @9] <dave> seen');
    shown.length = 0;
    catchUp.resume('#lobby');
    catchUp.resume('#dev');
    feed('*** Nothing missed in #lobby');
    feed('*** Messages @10 to @12 of #dev are no longer kept', '*** Nothing missed in #dev');
    feed('*** Nothing missed in #lobby');
    expect(shown).toEqual([
      '*** Messages @10 to @12 of #dev are no longer kept',
      '*** Nothing missed in #dev',
      '*** Nothing missed in #lobby',
    ]);
  });

  it('lets a room through if its /resume fails, saying how to try again', () => {
    const { catchUp, shown, feed } = setup('#dev');
    feed('[@9] <dave> seen');
    catchUp.disconnected();
    shown.length = 0;
    catchUp.resume('#dev');
    feed('[@12] <dave> live');
    feed('!!! History is unavailable right now. Try again shortly. (STORE_FAILED)');
    expect(shown).toEqual([
      '!!! History is unavailable right now. Try again shortly. (STORE_FAILED)',
      '*** Could not get what you missed in #dev; to try again: /resume #dev 9',
      '<dave> live',
    ]);
  });

  it('starts counting again when a live message comes with an old id (a server that forgot)', () => {
    const { catchUp, shown, feed } = setup();
    feed('[@40] <bob> before the restart', '[@2] <bob> after it', '[@3] <bob> and on');
    expect(shown).toEqual(['<bob> before the restart', '<bob> after it', '<bob> and on']);
    expect(catchUp.lastId('#lobby')).toBe(3);
  });
});

describe('the terminal client in a terminal', () => {
  it('redraws the prompt and the half-typed line under incoming messages, in colour', async () => {
    const server = await startTestServer({ framedPort: null });
    const port = server.port('line');
    const bob = await LineClient.join(port, 'bob');
    const carol = spawnClientInTerminal(port, 'carol');
    await waitForScreen(carol, ['*** Now talking in #lobby', '#lobby> '], 8);

    carol.type('half-typed');
    await waitForScreen(carol, ['*** Now talking in #lobby', '#lobby> half-typed'], 18);
    const before = carol.output.length;
    bob.send('hello there');
    const screen = await waitForScreen(
      carol,
      ['*** Now talking in #lobby', '<bob> hello there', '#lobby> half-typed'],
      18,
    );
    // Nowhere on the screen do the two run into each other.
    expect(screen.rows.filter((row) => row.includes('hello there'))).toEqual(['<bob> hello there']);
    // In the bytes themselves: the message, in bob's colour, then the prompt and text redrawn.
    const drawn = carol.output.slice(before);
    const message = `<${palette(true).nick('bob')}> hello there`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: an ANSI colour is the point
    expect(palette(true).nick('bob')).toMatch(/^\x1b\[\d+mbob\x1b\[0m$/);
    expect(drawn).toContain(message);
    expect(drawn.slice(drawn.indexOf(message) + message.length)).toContain('#lobby> half-typed');

    carol.type('\r');
    await bob.waitFor('<carol> half-typed');

    // The cursor stays where it was inside the line too, not just at its end.
    carol.type('abc\x1b[D');
    await waitForScreen(carol, ['#lobby> abc'], 10);
    bob.send('another one');
    await waitForScreen(carol, ['<bob> another one', '#lobby> abc'], 10);
    // One key at a time, as people type: Node's readline appends a pasted chunk at the end of
    // the line wherever the cursor is, so 'X\r' in one write would not test the cursor.
    carol.type('X');
    await waitForScreen(carol, ['<bob> another one', '#lobby> abXc'], 11);
    carol.type('\r');
    await bob.waitFor('<carol> abXc');

    carol.type('\x03');
    expect(await carol.exited).toEqual({ code: 0, signal: null });
    await bob.waitFor('*** carol left the chat (Quit)');
  });
});

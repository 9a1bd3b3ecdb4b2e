import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { palette } from '../src/client/colors.js';
import { LineClient, startTestServer } from './helpers.js';
import { connectArgs, requireBuiltCli, Spawned } from './spawned.js';

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

describe('the terminal client in a terminal', () => {
  it('redraws the prompt and the half-typed line under incoming messages, in colour', async () => {
    const server = await startTestServer({ framedPort: null });
    const bob = await LineClient.join(server.port('line'), 'bob');
    const carol = spawnClientInTerminal(server.port('http'), 'carol');
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

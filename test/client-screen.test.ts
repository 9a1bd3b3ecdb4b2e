import { beforeAll, describe, expect, it } from 'vitest';
import { LineClient, startTestServer } from './helpers.js';
import { CLI, requireBuiltCli } from './spawned.js';
import { type Shown, Tmux } from './tmux.js';

// What a user sees is what is asserted: the client runs in tmux, a terminal emulator that
// wraps, reflows and draws wide characters as terminals do, and the screen is read back.

const PROMPT = '#lobby> ';

/** The columns a terminal gives a character of the kinds these tests type. */
function columnsOf(char: string): number {
  if (/^\p{Mn}$/u.test(char)) return 0;
  if (/^[\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\uff00-\uff60]$/u.test(char)) return 2;
  return /^\p{Emoji_Presentation}$/u.test(char) ? 2 : 1;
}

/**
 * Where a terminal leaves the cursor after `text`, counted from the start of its first row:
 * a wide character that does not fit on a row goes whole to the next one, and text that
 * fills its last row exactly leaves the cursor at the start of the row below (readline sees
 * to that).
 */
function cursorAfter(text: string, columns: number): { row: number; column: number } {
  let row = 0;
  let column = 0;
  for (const char of text) {
    const width = columnsOf(char);
    if (column + width > columns) {
      row++;
      column = 0;
    }
    column += width;
  }
  return column === columns ? { row: row + 1, column: 0 } : { row, column };
}

/** The lines after the client last said it was talking in #lobby. */
function sinceJoined(shown: Shown): string[] {
  return shown.lines.slice(shown.lines.lastIndexOf('*** Now talking in #lobby') + 1);
}

/**
 * The terminal shows `expected` as its last lines, the prompt and typed line last of all, with
 * the cursor `typedBeforeCursor` into the typed line.
 */
function showsAtEnd(
  shown: Shown,
  columns: number,
  expected: string[],
  typedBeforeCursor: string,
): boolean {
  const lines = expected.map((line) => line.trimEnd());
  if (JSON.stringify(shown.lines.slice(-expected.length)) !== JSON.stringify(lines)) {
    return false;
  }
  // The prompt's first row on screen: the last row that starts with it.
  const top = shown.rows.findLastIndex((row) => row.startsWith(PROMPT.trimEnd()));
  const cursor = cursorAfter(PROMPT + typedBeforeCursor, columns);
  return shown.cursorY === top + cursor.row && shown.cursorX === cursor.column;
}

interface Chat {
  bob: LineClient;
  terminal: Tmux;
}

/** A server, bob on its line door, and carol's terminal client in a terminal this wide. */
async function chatInTerminal(columns: number): Promise<Chat> {
  const server = await startTestServer({ framedPort: null });
  const bob = await LineClient.join(server.port('line'), 'bob');
  const terminal = await Tmux.start(
    [process.execPath, CLI, 'connect', '127.0.0.1', String(server.port('http')), '--nick', 'carol'],
    { columns, rows: 24 },
  );
  await terminal.waitFor(
    (shown) => showsAtEnd(shown, columns, ['*** Now talking in #lobby', PROMPT.trimEnd()], ''),
    'the prompt',
  );
  return { bob, terminal };
}

/** Types a line the way people do, one key at a time, but the first part as a paste. */
async function typeLine(terminal: Tmux, text: string, pasted: number): Promise<void> {
  await terminal.type(text.slice(0, pasted));
  for (const char of text.slice(pasted)) await terminal.type(char);
}

beforeAll(requireBuiltCli);

describe('the terminal client printing messages above a line being typed that wraps', () => {
  // About 200 characters, as in the bug report; with the prompt, exactly five rows of 40.
  const typed = 'The quick brown fox jumps over the lazy dog; '.repeat(4).concat('and then: ok');
  const incoming = ['first incoming line', 'second incoming line'];

  for (const columns of [40, 120]) {
    it(`shows every message once, above the whole typed line, at ${columns} columns`, async () => {
      const { bob, terminal } = await chatInTerminal(columns);
      await typeLine(terminal, typed, 150);
      const input = PROMPT + typed;
      await terminal.waitFor((shown) => showsAtEnd(shown, columns, [input], typed), 'the line');

      for (const text of incoming) bob.send(text);
      const expected = [...incoming.map((text) => `<bob> ${text}`), input];
      const shown = await terminal.waitFor(
        (shown) => showsAtEnd(shown, columns, expected, typed),
        'both messages above the typed line',
      );
      // Nothing else since: no message drawn over, no rows of the typed line left behind.
      expect(sinceJoined(shown)).toEqual(expected);
      expect(shown.lines.filter((line) => line.includes(typed.slice(0, 20)))).toEqual([input]);

      // And readline's line is what the user sees.
      await terminal.press('Enter');
      await bob.waitFor(`<carol> ${typed}`);
    });
  }

  it('keeps wide characters, emoji and combining marks in place, and the cursor inside the line', async () => {
    const columns = 40;
    const { bob, terminal } = await chatInTerminal(columns);
    // At 40 columns, one wide character comes to the last column of a row, so goes whole to
    // the next. Decomposed, the accents are combining marks.
    const typed = `Ok: ${'héllo 世界 😀 ü '.repeat(11)}`.normalize('NFD');
    await typeLine(terminal, typed, 100);
    const input = PROMPT + typed;
    const seen = (line: string) => line.normalize('NFC');
    await terminal.waitFor(
      (shown) =>
        showsAtEnd({ ...shown, lines: shown.lines.map(seen) }, columns, [seen(input)], typed),
      'the line',
    );
    // Back into the second row of the line: the cursor is to come back there after a message.
    const left = [...typed].length - 40;
    await terminal.press(...Array<string>(left).fill('Left'));
    const beforeCursor = [...typed].slice(0, 40).join('');
    await terminal.waitFor(
      (shown) =>
        showsAtEnd(
          { ...shown, lines: shown.lines.map(seen) },
          columns,
          [seen(input)],
          beforeCursor,
        ),
      'the cursor moved back',
    );

    bob.send('新しい 😀 message');
    // The typed line's last space is not there to see.
    const expected = ['<bob> 新しい 😀 message', seen(input).trimEnd()];
    const shown = await terminal.waitFor(
      (shown) =>
        showsAtEnd({ ...shown, lines: shown.lines.map(seen) }, columns, expected, beforeCursor),
      'the message above the line, the cursor where it was',
    );
    expect(sinceJoined({ ...shown, lines: shown.lines.map(seen) })).toEqual(expected);

    // Typed where the cursor is. Enter only once it is there to see: readline appends keys
    // that come in one read ("X\r") at the end of the line, wherever the cursor is.
    const edited = `${beforeCursor}X${[...typed].slice(40).join('')}`;
    await terminal.type('X');
    await terminal.waitFor(
      (shown) => seen(shown.lines.at(-1) ?? '') === seen(PROMPT + edited).trimEnd(),
      'the X typed inside the line',
    );
    await terminal.press('Enter');
    const sent = seen(`<carol> ${edited}`);
    await bob.waitFor((line) => seen(line) === sent);
  });

  it('redraws right after the terminal is resized, narrower then wider', async () => {
    const { bob, terminal } = await chatInTerminal(120);
    await typeLine(terminal, typed, 150);
    const input = PROMPT + typed;
    await terminal.waitFor((shown) => showsAtEnd(shown, 120, [input], typed), 'the line');

    const expected: string[] = [];
    for (const columns of [40, 120, 57]) {
      await terminal.resize(columns, 24);
      const text = `said at ${columns} columns`;
      bob.send(text);
      expected.push(`<bob> ${text}`);
      const shown = await terminal.waitFor(
        (shown) => showsAtEnd(shown, columns, [...expected, input], typed),
        `the message above the line at ${columns} columns`,
      );
      expect(sinceJoined(shown)).toEqual([...expected, input]);
    }
    await terminal.press('Enter');
    await bob.waitFor(`<carol> ${typed}`);
  });
});

import { describe, expect, it } from 'vitest';
import { type Colour, formatPieces, parseFormatting, plainText, styleClasses } from './format.js';

/** A compact picture of runs: "text" plain, "[b i fg-4]text" styled. */
function picture(text: string): string {
  return parseFormatting(text)
    .map((run) => {
      const classes = styleClasses(run.style);
      const hex = [run.style.fg, run.style.bg].filter((c): c is Colour => typeof c === 'string');
      const all = [...classes, ...hex];
      return all.length ? `[${all.join(' ')}]${run.text}` : run.text;
    })
    .join('|');
}

describe('parseFormatting', () => {
  it.each([
    ['plain text', 'plain text', 'plain text'],
    ['bold toggles', 'a\x02b\x02c', 'a|[b]b|c'],
    ['italic', '\x1dit', '[i]it'],
    ['underline', '\x1fu', '[u]u'],
    ['strikethrough', '\x1es', '[s]s'],
    ['monospace', '\x11code', '[m]code'],
    ['styles stack', '\x02\x1dboth', '[b i]both'],
    ['reset ends everything', '\x02\x034bold red\x0fplain', '[b fg fg-4]bold red|plain'],
    ['one-digit colour', '\x034red', '[fg fg-4]red'],
    ['two-digit colour', '\x0304red', '[fg fg-4]red'],
    ['at most two digits', '\x031234', '[fg fg-12]34'],
    ['colour and background', '\x034,1x', '[fg fg-4 bg bg-1]x'],
    ['two-digit background', '\x0304,01x', '[fg fg-4 bg bg-1]x'],
    ['comma without a digit is text', '\x034,x', '[fg fg-4],x'],
    ['foreground keeps the background', '\x034,1a\x038b', '[fg fg-4 bg bg-1]a|[fg fg-8 bg bg-1]b'],
    ['bare \\x03 ends colours', '\x034,1a\x03b', '[fg fg-4 bg bg-1]a|b'],
    ['\\x03 then comma: reset, comma shown', '\x034a\x03,5b', '[fg fg-4]a|,5b'],
    ['99 is the default colour', '\x034,2a\x0399,99b', '[fg fg-4 bg bg-2]a|b'],
    ['extended colours', '\x0352,88x', '[fg fg-52 bg bg-88]x'],
    ['hex colour', '\x04FF8800orange', '[fg #ff8800]orange'],
    ['hex colour and background', '\x04ff0000,00ff00x', '[fg bg #ff0000 #00ff00]x'],
    ['bare \\x04 ends colours', '\x04ff0000a\x04b', '[fg #ff0000]a|b'],
    ['short hex is no colour', '\x04fff text', 'fff text'],
    ['reverse swaps colours', '\x034,2\x16x', '[fg fg-2 bg bg-4]x'],
    ['reverse of the defaults', '\x16x', '[rev]x'],
    ['other C0 controls, DEL and C1 are stripped', 'a\x00b\x07c\x1bd\x7fe\x85f\x9bg', 'abcdefg'],
    ['tab stays', 'a\tb', 'a\tb'],
    ['a trailing code is dropped', 'x\x03', 'x'],
  ])('%s', (_rule, input, expected) => {
    expect(picture(input)).toBe(expected);
  });

  it('reads the text without the codes', () => {
    expect(plainText('\x02\x0304hi\x0f there\x07')).toBe('hi there');
  });
});

describe('formatPieces', () => {
  it('keeps a link whole when part of it is styled, and only http(s) links', () => {
    const pieces = formatPieces('see \x02https://ex\x02ample.com/x\x0f. javascript:x');
    expect(pieces.map((p) => p.kind)).toEqual(['text', 'link', 'text']);
    const link = pieces[1]!;
    expect(link.kind === 'link' && link.href).toBe('https://example.com/x');
    expect(link.runs.map((r) => [r.text, r.style.bold])).toEqual([
      ['https://ex', true],
      ['ample.com/x', false],
    ]);
    expect(pieces[2]!.runs.map((r) => r.text).join('')).toBe('. javascript:x');
  });

  it('formats a hostile address of thousands of closing brackets', () => {
    const pieces = formatPieces(`http://a/${')'.repeat(8000)}`);
    expect(pieces.map((p) => [p.kind, p.runs.map((r) => r.text).join('').length])).toEqual([
      ['link', 'http://a/'.length],
      ['text', 8000],
    ]);
  });

  it('cuts many styled links in one long message, each with its own runs', () => {
    const part = (i: number) => `\x02http://a/${i}\x02 x${i} `;
    const text = Array.from({ length: 2000 }, (_, i) => part(i)).join('');
    const pieces = formatPieces(text);
    expect(pieces).toHaveLength(4000);
    for (let i = 0; i < 2000; i++) {
      const link = pieces[2 * i]!;
      expect(link.kind === 'link' && link.href).toBe(`http://a/${i}`);
      expect(link.runs.map((r) => [r.text, r.style.bold])).toEqual([[`http://a/${i}`, true]]);
      expect(pieces[2 * i + 1]!.runs.map((r) => r.text)).toEqual([` x${i} `]);
    }
  });

  it('reads thousands of hex colour codes, each from its own six characters', () => {
    expect(plainText(`${'\x04'.repeat(8000)}x`)).toBe('x');
    expect(picture(`${'\x04ff0000,00ff00a'.repeat(3)}\x04abc`)).toBe(
      '[fg bg #ff0000 #00ff00]aaa|abc',
    );
  });
});

import { linkify } from './linkify.js';

/**
 * IRC formatting codes (modern.ircdocs.horse/formatting) read into styled runs of text. IRC
 * users send them; the server carries text as it was sent, so reading them is the client's
 * job. Pure: no DOM here, the view turns runs into spans with classes.
 */

/** A palette colour (0-98; 99 means "default" and is stored as undefined) or "#rrggbb". */
export type Colour = number | string;

export interface Style {
  bold: boolean;
  italic: boolean;
  underline: boolean;
  strike: boolean;
  monospace: boolean;
  reverse: boolean;
  fg?: Colour;
  bg?: Colour;
}

export interface Run {
  text: string;
  style: Style;
}

/** Runs, grouped by whether they belong to a web address (which may span several styles). */
export type Piece = { kind: 'text'; runs: Run[] } | { kind: 'link'; href: string; runs: Run[] };

const PLAIN: Style = {
  bold: false,
  italic: false,
  underline: false,
  strike: false,
  monospace: false,
  reverse: false,
};

const TOGGLES: Record<string, keyof Omit<Style, 'fg' | 'bg'>> = {
  '\x02': 'bold',
  '\x1d': 'italic',
  '\x1f': 'underline',
  '\x1e': 'strike',
  '\x11': 'monospace',
  '\x16': 'reverse',
};

const COLOUR = '\x03';
const HEX_COLOUR = '\x04';
const RESET = '\x0f';
/** Palette index meaning "the default colour". */
const DEFAULT_COLOUR = 99;

// Every control character a message may carry: C0, DEL, C1. Tab is left alone (it is
// whitespace, shown as such, not a box). The formatting ones among them are read first.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;
const DIGIT = /[0-9]/;
const HEX6 = /^[0-9a-fA-F]{6}$/;

/** Up to two digits at `at`: the number and how many characters it took. */
function digits(text: string, at: number): [number, number] | undefined {
  if (!DIGIT.test(text[at] ?? '')) return undefined;
  const two = DIGIT.test(text[at + 1] ?? '');
  return [Number(text.slice(at, at + (two ? 2 : 1))), two ? 2 : 1];
}

function paletteColour(n: number): Colour | undefined {
  return n === DEFAULT_COLOUR ? undefined : n;
}

export function parseFormatting(text: string): Run[] {
  const runs: Run[] = [];
  let style: Style = { ...PLAIN };
  let buffer = '';
  const flush = () => {
    if (buffer === '') return;
    const last = runs.at(-1);
    if (last && sameStyle(last.style, style)) last.text += buffer;
    else runs.push({ text: buffer, style });
    buffer = '';
  };
  const restyle = (change: Partial<Style>) => {
    flush();
    style = { ...style, ...change };
  };
  let i = 0;
  while (i < text.length) {
    const char = text[i]!;
    if (!CONTROL.test(char)) {
      buffer += char;
      i++;
      continue;
    }
    i++;
    const toggle = TOGGLES[char];
    if (toggle) restyle({ [toggle]: !style[toggle] });
    else if (char === RESET) {
      flush();
      style = { ...PLAIN };
    } else if (char === COLOUR) {
      const fg = digits(text, i);
      if (!fg) {
        // A bare \x03 (even one followed by ",5": the comma is then text) ends the colours.
        restyle({ fg: undefined, bg: undefined });
        continue;
      }
      i += fg[1];
      const change: Partial<Style> = { fg: paletteColour(fg[0]) };
      // The comma belongs to the code only when a digit follows it.
      const bg = text[i] === ',' ? digits(text, i + 1) : undefined;
      if (bg) {
        i += 1 + bg[1];
        change.bg = paletteColour(bg[0]);
      }
      restyle(change);
    } else if (char === HEX_COLOUR) {
      // Six characters looked at, never the rest of the text (thousands of \x04 stay linear).
      const fg = HEX6.exec(text.slice(i, i + 6))?.[0];
      if (!fg) {
        restyle({ fg: undefined, bg: undefined });
        continue;
      }
      i += 6;
      const change: Partial<Style> = { fg: `#${fg.toLowerCase()}` };
      const bg = text[i] === ',' ? HEX6.exec(text.slice(i + 1, i + 7))?.[0] : undefined;
      if (bg) {
        i += 7;
        change.bg = `#${bg.toLowerCase()}`;
      }
      restyle(change);
    }
    // Anything else is dropped: it would show as a box, or worse, reorder the text (C1).
  }
  flush();
  return runs;
}

function sameStyle(a: Style, b: Style): boolean {
  return (
    a.bold === b.bold &&
    a.italic === b.italic &&
    a.underline === b.underline &&
    a.strike === b.strike &&
    a.monospace === b.monospace &&
    a.reverse === b.reverse &&
    a.fg === b.fg &&
    a.bg === b.bg
  );
}

/** The text as read, without any formatting or control characters. */
export function plainText(text: string): string {
  return parseFormatting(text)
    .map((run) => run.text)
    .join('');
}

/** Strips control characters without reading formatting: for one-line labels (topics). */
export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}

/**
 * Formatted text cut into links and the rest. Addresses are found in the plain text, so a
 * link still works when part of it is bold or coloured; its runs are cut at its ends.
 */
export function formatPieces(text: string): Piece[] {
  const runs = parseFormatting(text);
  const plain = runs.map((run) => run.text).join('');
  const pieces: Piece[] = [];
  const cut = runCutter(runs);
  for (const segment of linkify(plain)) {
    const slice = cut(segment.text.length);
    pieces.push(
      segment.kind === 'link'
        ? { kind: 'link', href: segment.href, runs: slice }
        : { kind: 'text', runs: slice },
    );
  }
  return pieces;
}

/**
 * Cuts the runs into consecutive slices of the given lengths, in one pass over them: a
 * message of many links and many styles is not walked again from its start for each link.
 */
function runCutter(runs: readonly Run[]): (length: number) => Run[] {
  let index = 0;
  // Characters of runs[index] already taken.
  let at = 0;
  return (length) => {
    const out: Run[] = [];
    let left = length;
    while (left > 0 && index < runs.length) {
      const run = runs[index]!;
      const take = Math.min(left, run.text.length - at);
      if (take > 0) out.push({ text: run.text.slice(at, at + take), style: run.style });
      at += take;
      left -= take;
      if (at >= run.text.length) {
        index++;
        at = 0;
      }
    }
    return out;
  };
}

/** CSS classes for a run: b, i, u, s, m, and fg-N / bg-N for palette colours. */
export function styleClasses(style: Style): string[] {
  const classes: string[] = [];
  if (style.bold) classes.push('b');
  if (style.italic) classes.push('i');
  if (style.underline) classes.push('u');
  if (style.strike) classes.push('s');
  if (style.monospace) classes.push('m');
  // Reverse swaps the colours; with a default colour involved, the page's own stand in.
  const fg = style.reverse ? style.bg : style.fg;
  const bg = style.reverse ? style.fg : style.bg;
  if (style.reverse && (fg === undefined || bg === undefined)) classes.push('rev');
  if (fg !== undefined) classes.push('fg', ...(typeof fg === 'number' ? [`fg-${fg}`] : []));
  if (bg !== undefined) classes.push('bg', ...(typeof bg === 'number' ? [`bg-${bg}`] : []));
  return classes;
}

/** Hex colours, which have no class: the view sets them as CSS custom properties. */
export function hexColours(style: Style): { fg?: string; bg?: string } {
  const fg = style.reverse ? style.bg : style.fg;
  const bg = style.reverse ? style.fg : style.bg;
  return {
    ...(typeof fg === 'string' ? { fg } : {}),
    ...(typeof bg === 'string' ? { bg } : {}),
  };
}

import {
  clearScreenDown,
  createInterface,
  cursorTo,
  type Interface,
  type Key,
  moveCursor,
} from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * The one piece of readline's state we must keep right that its types do not show: how many
 * rows below the first row of the prompt it last left the cursor. Each redraw of its own
 * (a key that wraps the line, a history recall, a resize, prompt()) starts by moving up that
 * many rows and clearing down, so a wrong value either wipes lines printed above the input
 * or leaves rows of stale input behind. It is a plain property of the interface in Node 20,
 * as it was long before.
 */
interface ReadlineState {
  prevRows?: number;
  /**
   * False while readline handles all but the last of several keys read at once (a paste, or
   * tmux send-keys): it then writes plain text out as it is, without a redraw even where it
   * wraps, and without updating prevRows. The last key is handled as if typed alone, which
   * redraws if it wraps, from a prevRows that is stale by then unless we fix it first.
   */
  isCompletionEnabled?: boolean;
}

// What readline, in the middle of a paste, appends to the line and writes out as it is.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point
const CONTROL = /[\x00-\x1f\x7f]/;
const isPlainText = (text: string | undefined, key: Key | undefined): boolean =>
  text !== undefined && text.length > 0 && !CONTROL.test(text) && !key?.ctrl && !key?.meta;

/**
 * The terminal: a prompt with the line being typed, and incoming lines printed above it.
 * The prompt and the typed line may wrap over several rows; printing wipes them all, writes
 * the message, then redraws them with the cursor where the user left it, so no message is
 * ever drawn over and nothing the user types is garbled.
 *
 * Readline does the drawing, so its idea of how wide things are (ANSI escapes in the prompt
 * take no room, East Asian wide characters and emoji two columns, combining marks none) is
 * the only one in play. What this class adds is keeping readline's record of the cursor's row
 * true, which readline does not do by itself: when keys arrive several in one read (a paste,
 * or tmux send-keys), it writes them out without updating it, however many rows they wrap.
 */
export class Screen {
  readonly readline: Interface;
  private readonly interactive: boolean;
  private closed = false;

  constructor(
    input: Readable,
    private readonly output: Writable & { isTTY?: boolean },
  ) {
    this.interactive = output.isTTY === true && (input as { isTTY?: boolean }).isTTY === true;
    this.readline = createInterface({
      input,
      output,
      terminal: this.interactive,
      historySize: 200,
    });
    this.readline.once('close', () => {
      this.closed = true;
    });
    if (!this.interactive) return;
    // Before readline handles a key, unless it is one it will only write out as it is.
    input.prependListener('keypress', (text: string | undefined, key: Key | undefined) => {
      const midPaste = (this.readline as unknown as ReadlineState).isCompletionEnabled === false;
      if (!(midPaste && isPlainText(text, key))) this.syncCursor();
    });
    // The terminal has already re-wrapped the prompt and the typed line to the new width
    // (tmux and most terminals today do; xterm does not, and keeps rows of the old drawing),
    // so the cursor is now as many rows down as the new width makes it. Readline's own redraw
    // on this event, which comes after ours, would otherwise move up by the old width's count.
    output.prependListener('resize', () => this.syncCursor());
  }

  setPrompt(prompt: string): void {
    this.readline.setPrompt(prompt);
    if (this.interactive && !this.closed) this.redraw(this.syncCursor());
  }

  print(line: string): void {
    if (!this.interactive || this.closed) {
      this.output.write(`${line}\n`);
      return;
    }
    // Up to the first row of the prompt, which is where the message goes.
    moveCursor(this.output, 0, -this.syncCursor());
    cursorTo(this.output, 0);
    clearScreenDown(this.output);
    this.output.write(`${line}\n`);
    // The prompt is no longer drawn anywhere: readline is to draw it afresh from here.
    this.redraw(0);
  }

  close(): void {
    if (this.interactive && !this.closed) {
      // To the end of the typed line (Ctrl-E), so what comes after us starts below all of it.
      this.syncCursor();
      this.readline.write('', { ctrl: true, name: 'e' });
      this.output.write('\n');
    }
    this.readline.close();
  }

  /**
   * Makes sure the terminal's cursor is where readline reckons it is, and that readline's
   * record of its row says so too; returns that row (0 is the prompt's first row).
   */
  private syncCursor(): number {
    const { rows, cols } = this.readline.getCursorPos();
    if (cols === 0 && rows > 0 && this.readline.cursor === this.readline.line.length) {
      // Text that ends exactly at the right edge (as written, or as re-wrapped by a resize)
      // can leave a terminal's cursor past that row's last column, waiting to wrap with the
      // next character, not on the next row as reckoned. A space then a backspace puts it
      // there either way.
      this.output.write(' \b');
    }
    this.setRowsAboveCursor(rows);
    return rows;
  }

  private setRowsAboveCursor(rows: number): void {
    (this.readline as unknown as ReadlineState).prevRows = rows;
  }

  /** Redraws the prompt and typed line, whose first row is `rowsUp` rows above the cursor. */
  private redraw(rowsUp: number): void {
    this.setRowsAboveCursor(rowsUp);
    // prompt(true) keeps the cursor where the user left it inside their unfinished line.
    this.readline.prompt(true);
  }
}

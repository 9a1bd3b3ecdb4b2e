import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

/**
 * The terminal: a prompt with the line being typed, and incoming lines printed above it.
 * Printing wipes the prompt line, writes the message, then redraws the prompt and whatever
 * the user had typed, cursor included, so nothing they type is ever garbled.
 */
export class Screen {
  readonly readline: Interface;
  private readonly interactive: boolean;

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
  }

  setPrompt(prompt: string): void {
    this.readline.setPrompt(prompt);
    if (this.interactive) this.redraw();
  }

  print(line: string): void {
    if (!this.interactive) {
      this.output.write(`${line}\n`);
      return;
    }
    clearLine(this.output, 0);
    cursorTo(this.output, 0);
    this.output.write(`${line}\n`);
    this.redraw();
  }

  close(): void {
    if (this.interactive) this.output.write('\n');
    this.readline.close();
  }

  private redraw(): void {
    // prompt(true) keeps the cursor where the user left it inside their unfinished line.
    this.readline.prompt(true);
  }
}

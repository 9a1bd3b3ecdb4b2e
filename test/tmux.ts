import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { onCleanup, tempDir } from './helpers.js';
import { WAIT_MS } from './spawned.js';

const run = promisify(execFile);

/** What a terminal shows: its rows, wrapped lines joined back, and where its cursor is. */
export interface Shown {
  /** Every line, the scrollback's first, trailing blanks and blank lines at the end left off. */
  lines: string[];
  /** The rows on screen as they are, wrapping and all. */
  rows: string[];
  cursorX: number;
  cursorY: number;
}

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * A real terminal emulator (tmux) running a command in a window of a fixed size, for tests
 * of what a user would see: tmux wraps, reflows on resize and draws wide characters the way
 * terminals do. Each has a tmux server of its own on a private socket, so a test never
 * touches anyone's tmux, and the server is killed after the test.
 */
export class Tmux {
  private constructor(private readonly socket: string) {}

  static async start(
    command: string[],
    size: { columns: number; rows: number },
    env: Record<string, string> = {},
  ): Promise<Tmux> {
    const dir = tempDir();
    const config = join(dir, 'tmux.conf');
    // No status line (it would take a row), and a window that stays after the command ends,
    // so a test that fails because it crashed can still show what it printed.
    writeFileSync(
      config,
      'set -g status off\nset -g remain-on-exit on\nset -g history-limit 2000\n',
    );
    const tmux = new Tmux(join(dir, 'tmux.sock'));
    onCleanup(async () => {
      await tmux.tmux('kill-server').catch(() => '');
    });
    const environment = Object.entries(env).map(([name, value]) => `${name}=${quote(value)}`);
    await tmux.tmux(
      '-f',
      config,
      'new-session',
      '-d',
      '-s',
      'test',
      '-x',
      String(size.columns),
      '-y',
      String(size.rows),
      `exec env ${[...environment, ...command.map(quote)].join(' ')}`,
    );
    return tmux;
  }

  /** Types text, all of it in one write (as a paste, or a fast typist, would arrive). */
  async type(text: string): Promise<void> {
    // tmux takes an argument that ends with ";" for the end of a command: that one goes as a
    // key code of its own.
    const body = text.endsWith(';') ? text.slice(0, -1) : text;
    if (body) await this.tmux('send-keys', '-t', 'test', '-l', '--', body);
    if (body !== text) await this.tmux('send-keys', '-t', 'test', '-H', '3b');
  }

  /** Presses keys by tmux's names for them: Enter, Left, C-c... */
  async press(...keys: string[]): Promise<void> {
    await this.tmux('send-keys', '-t', 'test', ...keys);
  }

  /**
   * Resizes the window, and waits until the program in it can know: tmux re-wraps what is
   * on screen at once, but tells the terminal device (which signals the program) a little
   * later, and a program can only draw for the size it has been told.
   */
  async resize(columns: number, rows: number): Promise<void> {
    await this.tmux('resize-window', '-t', 'test', '-x', String(columns), '-y', String(rows));
    const tty = (await this.tmux('display-message', '-p', '-t', 'test', '#{pane_tty}')).trim();
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const { stdout } = await run('stty', ['-F', tty, 'size']);
      if (stdout.trim() === `${rows} ${columns}`) return;
      if (Date.now() > deadline) throw new Error(`${tty} is still ${stdout.trim()}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }

  async shown(): Promise<Shown> {
    const [joined, screen, cursor] = await Promise.all([
      this.tmux('capture-pane', '-p', '-J', '-S', '-', '-t', 'test'),
      this.tmux('capture-pane', '-p', '-t', 'test'),
      this.tmux('display-message', '-p', '-t', 'test', '#{cursor_x} #{cursor_y}'),
    ]);
    const lines = joined.split('\n').map((line) => line.trimEnd());
    while (lines.length > 0 && lines.at(-1) === '') lines.pop();
    const [x, y] = cursor.trim().split(' ').map(Number);
    return { lines, rows: screen.split('\n'), cursorX: x!, cursorY: y! };
  }

  /**
   * Polls the terminal until it shows what `condition` wants, failing with what it showed
   * last if it does not in time.
   */
  async waitFor(
    condition: (shown: Shown) => boolean,
    what: string,
    timeoutMs = WAIT_MS,
  ): Promise<Shown> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await this.shown();
      if (condition(shown)) return shown;
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${what}; the terminal shows (cursor at column ${shown.cursorX}, row ${shown.cursorY}):\n${shown.rows.join('\n')}\nall lines:\n${shown.lines.join('\n')}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  private async tmux(...args: string[]): Promise<string> {
    const { stdout } = await run('tmux', ['-S', this.socket, ...args], {
      // tmux draws what it reckons a UTF-8 terminal would, whatever the caller's locale.
      env: { ...process.env, LC_ALL: 'C.UTF-8' },
    });
    return stdout;
  }
}

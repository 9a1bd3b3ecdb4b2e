import type { Readable, Writable } from 'node:stream';
import { hashPassword } from './password.js';

export const HASH_PASSWORD_HELP = `Usage: chatroom hash-password

Reads a server operator's password from standard input and prints its hash, for the
"password" of an operator in the config file (see "Server operators" in docs/operations.md):

  "operators": [{"name": "alice", "password": "<the hash>", "hosts": ["127.0.0.1"]}]

At a terminal it asks for the password twice, without showing it. Piped, it reads the first
line (for scripts: printf '%s\\n' "$PASSWORD" | chatroom hash-password). The hash is scrypt
with a random salt: the same password hashes differently each time, and every hash of it works.
`;

/** What the command reads from and writes to: the process's, or a test's. */
export interface Terminal {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };
  stdout: Writable;
  stderr: Writable;
}

/** A mistake of the person at the keyboard (empty, the two differ): said, exit 1. */
export class PasswordInputError extends Error {}

/** Reads the password (twice at a terminal), prints its hash. */
export async function hashPasswordCommand(terminal: Terminal): Promise<void> {
  let password: string;
  if (terminal.stdin.isTTY && terminal.stdin.setRawMode) {
    password = await readHidden(terminal, 'Password: ');
    const again = await readHidden(terminal, 'Again: ');
    if (again !== password) throw new PasswordInputError('the two passwords differ');
  } else {
    password = await readFirstLine(terminal.stdin);
  }
  if (password === '') throw new PasswordInputError('the password is empty');
  terminal.stdout.write(`${await hashPassword(password)}\n`);
}

/** The first line of a stream (without its line end), once it or the stream's end comes. */
function readFirstLine(stream: Readable): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const done = () => {
      stream.off('data', onData);
      stream.off('end', done);
      stream.pause();
      resolve(text.split(/\r?\n/)[0] ?? '');
    };
    const onData = (chunk: Buffer | string) => {
      text += chunk.toString();
      if (text.includes('\n')) done();
    };
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', reject);
  });
}

/** A line typed at a terminal without echo: the terminal in raw mode, keys read one by one. */
function readHidden({ stdin, stderr }: Terminal, prompt: string): Promise<string> {
  stderr.write(prompt);
  stdin.setRawMode!(true);
  stdin.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (chunk: Buffer | string) => {
      for (const char of chunk.toString('utf8')) {
        if (char === '\r' || char === '\n') return finish();
        // Ctrl-C, or Ctrl-D on an empty line: the user gives up.
        if (char === '\u0003' || (char === '\u0004' && typed === '')) {
          return finish(new PasswordInputError('cancelled'));
        }
        if (char === '\u007f' || char === '\b') typed = [...typed].slice(0, -1).join('');
        else if (char >= ' ') typed += char;
      }
    };
    stdin.on('data', onData);
  });
}

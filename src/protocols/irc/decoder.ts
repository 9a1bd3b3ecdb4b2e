import { MAX_CLIENT_TAG_BYTES } from '../../core/rules.js';
import { LineSplitter } from '../../net/line-splitter.js';
import { commandWord, type IrcMessage, MAX_BODY_BYTES, parseMessage } from './message.js';

/** A line this long, ended or not, is no IRC client talking: the connection is closed. */
export const FLOOD_BYTES = 16 * 1024;

/** One decoded input: a message, or what was wrong with a line (and whether to hang up). */
export type IrcInput =
  | { kind: 'message'; message: IrcMessage }
  | {
      kind: 'error';
      code: 'INPUT_TOO_LONG' | 'INVALID_UTF8' | 'NUL' | 'UNKNOWN_COMMAND' | 'FLOOD';
      /** The command of the bad line, when it could be made out. */
      command: string | undefined;
      fatal: boolean;
    };

const SPACE = 0x20;
const AT = 0x40;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes in, IRC messages out. Holds at most one line's allowance (a client's 4094 bytes of
 * tags with their '@' and space, plus 510 of message) however the bytes arrive; longer lines
 * are discarded as they come and reported once ended; FLOOD_BYTES without an end closes the
 * connection.
 */
export class IrcDecoder {
  private readonly splitter = new LineSplitter({
    maxLineBytes: MAX_CLIENT_TAG_BYTES + 2 + MAX_BODY_BYTES - 2,
    maxUnterminatedBytes: FLOOD_BYTES - 1,
  });

  push(chunk: Buffer): IrcInput[] {
    const inputs: IrcInput[] = [];
    this.each(chunk, (input) => {
      inputs.push(input);
      return true;
    });
    return inputs;
  }

  /**
   * Hands each input of the chunk to `take`, in order, until it returns false: the rest of
   * the chunk is then not parsed (a flooder cut off mid-chunk costs no more parsing).
   */
  each(chunk: Buffer, take: (input: IrcInput) => boolean): void {
    for (const item of this.splitter.push(chunk)) {
      if (item.kind === 'line') {
        const input = decodeLine(item.bytes);
        if (input && !take(input)) return;
      } else if (item.kind === 'flood' || item.bytes >= FLOOD_BYTES) {
        take({ kind: 'error', code: 'FLOOD', command: undefined, fatal: true });
        return;
      } else if (
        !take({ kind: 'error', code: 'INPUT_TOO_LONG', command: undefined, fatal: false })
      ) {
        return;
      }
    }
  }
}

/** One line without its line ending; undefined for an empty line, which IRC ignores. */
export function decodeLine(bytes: Buffer): IrcInput | undefined {
  if (tooLong(bytes)) {
    return { kind: 'error', code: 'INPUT_TOO_LONG', command: guessCommand(bytes), fatal: false };
  }
  let line: string;
  try {
    line = strictUtf8.decode(bytes);
  } catch {
    return { kind: 'error', code: 'INVALID_UTF8', command: guessCommand(bytes), fatal: false };
  }
  const parsed = parseMessage(line);
  if (parsed.ok) return { kind: 'message', message: parsed.message };
  switch (parsed.reason) {
    case 'empty':
    case 'no-command':
      return undefined;
    case 'nul':
      return { kind: 'error', code: 'NUL', command: parsed.command, fatal: false };
    case 'bad-command':
      return { kind: 'error', code: 'UNKNOWN_COMMAND', command: parsed.command, fatal: false };
  }
}

/**
 * Tags and message have separate allowances (the splitter has already taken the CR LF off): a
 * client's tags, between the '@' and the space, may take 4094 bytes (IRCv3 message-tags:
 * the rest of the 8191 is the server's, for the tags it adds when relaying).
 */
function tooLong(bytes: Buffer): boolean {
  let body = bytes.length;
  if (bytes[0] === AT) {
    const space = bytes.indexOf(SPACE);
    const tagSection = space === -1 ? bytes.length : space + 1;
    if (tagSection - 2 > MAX_CLIENT_TAG_BYTES) return true;
    body -= tagSection;
  }
  return body + 2 > MAX_BODY_BYTES;
}

/** The command of a line that is not valid UTF-8: commands are ASCII, so latin1 finds it. */
function guessCommand(bytes: Buffer): string | undefined {
  const start = bytes[0] === AT ? Math.max(bytes.indexOf(SPACE), 0) : 0;
  return commandWord(bytes.subarray(start, start + MAX_BODY_BYTES).toString('latin1'));
}

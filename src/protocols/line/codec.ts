import { ChatError } from '../../core/errors.js';
import { LineSplitter } from '../../net/line-splitter.js';
import { decodeUtf8, type InputDecoder, type InputItem, type TextCodec } from '../text/codec.js';
import type { TextEntry } from '../text/render.js';

/** How far past the line limit a sender may go without a newline before we hang up. */
export const UNTERMINATED_FACTOR = 4;

/**
 * The line door: UTF-8 lines ending in LF or CRLF, for netcat and telnet. Output lines end in
 * CRLF, which both show correctly.
 */
export const lineCodec: TextCodec = {
  protocol: 'line',

  createDecoder({ maxLineBytes }): InputDecoder {
    const splitter = new LineSplitter({
      maxLineBytes,
      maxUnterminatedBytes: maxLineBytes * UNTERMINATED_FACTOR,
    });
    return {
      push(chunk) {
        return splitter.push(chunk).map((item): InputItem => {
          switch (item.kind) {
            case 'line':
              return decodeUtf8(item.bytes);
            case 'too-long':
              return {
                kind: 'error',
                error: new ChatError(
                  'LINE_TOO_LONG',
                  `That line was longer than ${maxLineBytes} bytes; it was discarded.`,
                ),
                fatal: false,
              };
            default: // 'flood'
              return {
                kind: 'error',
                error: new ChatError(
                  'LINE_TOO_LONG',
                  `More than ${maxLineBytes * UNTERMINATED_FACTOR} bytes arrived without a newline; closing the connection.`,
                ),
                fatal: true,
              };
          }
        });
      },
    };
  },

  encode(entries) {
    let out = '';
    for (const entry of entries) out += `${formatLine(entry)}\r\n`;
    return Buffer.from(out, 'utf8');
  },
};

export function formatLine(entry: TextEntry): string {
  switch (entry.kind) {
    case 'chat':
      return `${entry.label ? `[${entry.label}] ` : ''}<${entry.from}> ${entry.text}`;
    case 'action':
      return `${entry.label ? `[${entry.label}] ` : ''}* ${entry.from} ${entry.text}`;
    case 'private-in':
      return entry.action
        ? `*${entry.from}* * ${entry.from} ${entry.text}`
        : `*${entry.from}* ${entry.text}`;
    case 'private-out':
      return `-> *${entry.to}* ${entry.action ? '* ' : ''}${entry.text}`;
    case 'notice':
      return `*** ${entry.text}`;
    case 'error':
      return `!!! ${entry.text} (${entry.code})`;
  }
}

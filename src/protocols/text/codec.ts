import { ChatError } from '../../core/errors.js';
import type { TextEntry } from './render.js';

export interface InputLimits {
  maxLineBytes: number;
}

/** One unit of user input, decoded and checked; nothing past the codec sees raw bytes. */
export type InputItem =
  | { kind: 'text'; text: string }
  /** fatal: the stream can no longer be trusted and the connection must close. */
  | { kind: 'error'; error: ChatError; fatal: boolean };

export interface InputDecoder {
  push(chunk: Buffer): InputItem[];
}

/** A text front door's wire format: bytes in, text out; rendered entries in, bytes out. */
export interface TextCodec {
  readonly protocol: string;
  createDecoder(limits: InputLimits): InputDecoder;
  encode(entries: readonly TextEntry[]): Buffer;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeUtf8(bytes: Buffer): InputItem {
  try {
    return { kind: 'text', text: strictUtf8.decode(bytes) };
  } catch {
    return {
      kind: 'error',
      error: new ChatError('INVALID_UTF8', 'That input was not valid UTF-8; it was not sent.'),
      fatal: false,
    };
  }
}

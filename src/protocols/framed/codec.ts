import { ChatError } from '../../core/errors.js';
import { encodeFrame, FrameDecoder } from '../../net/frame-decoder.js';
import { decodeUtf8, type InputItem, type TextCodec } from '../text/codec.js';
import type { TextEntry } from '../text/render.js';

/** The sender name on frames that come from the server itself. */
export const SERVER_NAME = '*';

/**
 * The tutorials' framed door. Everything the server sends is a pair of frames, a name and
 * a text, because that is all a tutorial client knows how to print ("name > text").
 */
export const framedCodec: TextCodec = {
  protocol: 'framed',

  createDecoder({ maxLineBytes }) {
    const decoder = new FrameDecoder(maxLineBytes);
    return {
      push(chunk) {
        return decoder
          .push(chunk)
          .map(
            (item): InputItem =>
              item.kind === 'frame'
                ? decodeUtf8(item.bytes)
                : { kind: 'error', error: new ChatError(item.code, item.message), fatal: true },
          );
      },
    };
  },

  encode(entries) {
    const frames: Buffer[] = [];
    for (const entry of entries) {
      const [name, text] = namedText(entry);
      frames.push(encodeFrame(Buffer.from(name, 'utf8')), encodeFrame(Buffer.from(text, 'utf8')));
    }
    return Buffer.concat(frames);
  },
};

/**
 * A tutorial client shows only "name > text", and users choose every word of the text, so
 * the name frame alone has to say who is speaking: `*` is the server, and anything a user
 * said carries their nickname in the name frame, with a space in it (which no nickname has)
 * for actions, labels and private messages. The text frame of a user entry is their words
 * and nothing else, so no choice of words can pass for a notice, another room, a replay or
 * a private message.
 */
function namedText(entry: TextEntry): [string, string] {
  switch (entry.kind) {
    case 'chat':
      return [`${labelled(entry.label)}${entry.from}`, entry.text];
    case 'action':
      return [`${labelled(entry.label)}* ${entry.from}`, entry.text];
    case 'private-in':
      return [`(private) ${entry.action ? '* ' : ''}${entry.from}`, entry.text];
    case 'private-out':
      // The reader's own words, so the action mark can stay in the text as on the line door.
      return [`(private) -> ${entry.to}`, `${entry.action ? '* ' : ''}${entry.text}`];
    case 'notice':
      return [SERVER_NAME, entry.text];
    case 'error':
      return [SERVER_NAME, `error: ${entry.text} (${entry.code})`];
  }
}

function labelled(label: string | undefined): string {
  return label ? `[${label}] ` : '';
}

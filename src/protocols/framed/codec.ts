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

function namedText(entry: TextEntry): [string, string] {
  const where = 'label' in entry && entry.label ? `[${entry.label}] ` : '';
  switch (entry.kind) {
    case 'chat':
      return [entry.from, `${where}${entry.text}`];
    case 'action':
      return [SERVER_NAME, `${where}${entry.from} ${entry.text}`];
    case 'private-in':
      return [entry.from, `(private) ${entry.action ? `* ${entry.from} ` : ''}${entry.text}`];
    case 'private-out':
      return [SERVER_NAME, `-> ${entry.to}: ${entry.action ? '* ' : ''}${entry.text}`];
    case 'notice':
      return [SERVER_NAME, entry.text];
    case 'error':
      return [SERVER_NAME, `error: ${entry.text} (${entry.code})`];
  }
}

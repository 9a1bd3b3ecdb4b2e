import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameDecoder, type FrameItem } from './frame-decoder.js';

function describeItems(items: FrameItem[]): string[] {
  return items.map((item) => (item.kind === 'frame' ? item.bytes.toString() : `<${item.code}>`));
}

describe('FrameDecoder', () => {
  it('encodes as the tutorial does: length left-aligned in 10 bytes', () => {
    expect(encodeFrame(Buffer.from('alice')).toString()).toBe('5         alice');
    expect(encodeFrame(Buffer.from('né')).toString()).toBe('3         né');
  });

  it('gives the same frames however the bytes are split', () => {
    const input = Buffer.concat(
      ['alice', '', 'hello wörld', '/join #dev'].map((text) => encodeFrame(Buffer.from(text))),
    );
    for (let cut = 0; cut <= input.length; cut++) {
      for (let cut2 = cut; cut2 <= input.length; cut2 += 3) {
        const decoder = new FrameDecoder(100);
        const items = [
          input.subarray(0, cut),
          input.subarray(cut, cut2),
          input.subarray(cut2),
        ].flatMap((chunk) => decoder.push(chunk));
        expect(describeItems(items)).toEqual(['alice', '', 'hello wörld', '/join #dev']);
      }
    }
  });

  it.each([
    ['left-aligned', '3         abc', ['abc']],
    ['right-aligned', '         3abc', ['abc']],
    ['leading zeros', '0000000003abc', ['abc']],
    ['letters', 'hello worl', ['<FRAME_INVALID>']],
    ['a sign', '+3        abc', ['<FRAME_INVALID>']],
    ['spaces only', '          ', ['<FRAME_INVALID>']],
    ['digits split by a space', '1 2       ', ['<FRAME_INVALID>']],
    ['over the limit', '101       ', ['<FRAME_TOO_LONG>']],
    ['at the limit', `100       ${'x'.repeat(100)}`, ['x'.repeat(100)]],
  ])('header %s', (_name, input, expected) => {
    expect(describeItems(new FrameDecoder(100).push(Buffer.from(input)))).toEqual(expected);
  });

  it('stops for good after a bad header', () => {
    const decoder = new FrameDecoder(100);
    expect(describeItems(decoder.push(Buffer.from('garbage!!!')))).toEqual(['<FRAME_INVALID>']);
    expect(decoder.push(encodeFrame(Buffer.from('fine')))).toEqual([]);
  });
});

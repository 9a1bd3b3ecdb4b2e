import { describe, expect, it } from 'vitest';
import { type LineItem, LineSplitter } from './line-splitter.js';

function feed(splitter: LineSplitter, chunks: Buffer[]): LineItem[] {
  return chunks.flatMap((chunk) => splitter.push(chunk));
}

function lines(items: LineItem[]): string[] {
  return items.map((item) => (item.kind === 'line' ? item.bytes.toString() : `<${item.kind}>`));
}

const limits = { maxLineBytes: 10, maxUnterminatedBytes: 40 };

describe('LineSplitter', () => {
  it('gives the same lines however the bytes are split', () => {
    const input = Buffer.from('hello\r\nwörld\n\nlast one\n');
    const expected = ['hello', 'wörld', '', 'last one'];
    for (let cut = 0; cut <= input.length; cut++) {
      for (let cut2 = cut; cut2 <= input.length; cut2++) {
        const chunks = [input.subarray(0, cut), input.subarray(cut, cut2), input.subarray(cut2)];
        expect(lines(feed(new LineSplitter(limits), chunks))).toEqual(expected);
      }
    }
  });

  it.each([
    ['exactly the limit', '0123456789\n', ['0123456789']],
    ['the limit plus CR', '0123456789\r\n', ['0123456789']],
    ['one byte over', '0123456789a\n', ['<too-long>']],
    ['over, then a good line', `${'x'.repeat(25)}\nok\n`, ['<too-long>', 'ok']],
    ['CR only at the end is dropped', 'a\rb\r\n', ['a\rb']],
    ['no newline yet', 'partial', []],
  ])('%s', (_name, input, expected) => {
    expect(lines(new LineSplitter(limits).push(Buffer.from(input)))).toEqual(expected);
  });

  it('discards an overlong line byte by byte, holding no more than the limit', () => {
    const splitter = new LineSplitter(limits);
    const items = feed(
      splitter,
      [...'y'.repeat(30)].map((c) => Buffer.from(c)),
    );
    expect(items).toEqual([]);
    expect(lines(splitter.push(Buffer.from('\nnext\n')))).toEqual(['<too-long>', 'next']);
  });

  it('says how long a discarded line was, however it arrived', () => {
    const input = Buffer.from(`${'q'.repeat(25)}\r\nok\n${'w'.repeat(11)}\n`);
    for (let cut = 0; cut <= input.length; cut++) {
      const splitter = new LineSplitter(limits);
      const items = feed(splitter, [input.subarray(0, cut), input.subarray(cut)]);
      expect(items).toEqual([
        { kind: 'too-long', bytes: 26 },
        { kind: 'line', bytes: Buffer.from('ok') },
        { kind: 'too-long', bytes: 11 },
      ]);
    }
  });

  it('reports a flood once, then ignores the connection', () => {
    const splitter = new LineSplitter(limits);
    expect(lines(splitter.push(Buffer.alloc(41, 'z')))).toEqual(['<flood>']);
    expect(lines(splitter.push(Buffer.from('more\n')))).toEqual([]);
  });
});

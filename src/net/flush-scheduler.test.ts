import { describe, expect, it } from 'vitest';
import { Output } from './flush-scheduler.js';

const root = () => new Output(undefined, undefined, 0);

describe('Output', () => {
  it('gathers the chunks sent, in order', () => {
    const out = root()
      .followedBy(Buffer.from('a'))
      .followedBy(Buffer.from('bc'))
      .followedBy(Buffer.from('d'));
    expect(out.gather().toString()).toBe('abcd');
    expect(out.bytes).toBe(4);
  });

  it('lets connections sent the same chunks share one gathered buffer', () => {
    const start = root();
    const [one, two] = [Buffer.from('one\n'), Buffer.from('two\n')];
    const first = start.followedBy(one).followedBy(two);
    const second = start.followedBy(one).followedBy(two);
    expect(second).toBe(first);
    expect(second.gather()).toBe(first.gather());
  });

  it('keeps diverging connections apart, however many branches', () => {
    const start = root();
    const shared = Buffer.from('x\n');
    const branches = Array.from({ length: 5 }, (_, i) =>
      start.followedBy(shared).followedBy(Buffer.from(`only ${i}\n`)),
    );
    expect(branches.map((b) => b.gather().toString())).toEqual(
      Array.from({ length: 5 }, (_, i) => `x\nonly ${i}\n`),
    );
    // A speaker who skips its own message follows a path of its own from there on.
    const speaker = start.followedBy(Buffer.from('y\n'));
    expect(speaker.gather().toString()).toBe('y\n');
    expect(start.followedBy(shared).gather().toString()).toBe('x\n');
  });
});

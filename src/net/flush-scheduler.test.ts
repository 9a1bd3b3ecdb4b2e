import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { FlushScheduler, Output } from './flush-scheduler.js';

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

/** A connection whose flush takes `ms` of CPU (a write to thousands of sockets). */
function connection(ms = 0) {
  let flushes = 0;
  let flushed: () => void = () => {};
  return {
    get flushes() {
      return flushes;
    },
    nextFlush: () =>
      new Promise<void>((resolve) => {
        flushed = resolve;
      }),
    flush() {
      const until = performance.now() + ms;
      while (performance.now() < until);
      flushes++;
      flushed();
    },
  };
}

const afterTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

describe('FlushScheduler', () => {
  it('holds a flush back while long flushes come back to back, then writes it', async () => {
    const scheduler = new FlushScheduler();
    const slow = connection(40);
    scheduler.add(slow);
    await afterTick();
    expect(slow.flushes).toBe(1);
    const next = connection();
    const flushed = next.nextFlush();
    scheduler.add(next);
    await afterTick();
    expect(next.flushes).toBe(0);
    await flushed;
    expect(next.flushes).toBe(1);
  });

  it('does not hold a flush back once the server has had a pause since the last long one', async () => {
    const scheduler = new FlushScheduler();
    scheduler.add(connection(40));
    await afterTick();
    // Less than the last flush took, but enough of a gap: a server keeping up with its load.
    await sleep(15);
    const next = connection();
    scheduler.add(next);
    await afterTick();
    expect(next.flushes).toBe(1);
  });
});

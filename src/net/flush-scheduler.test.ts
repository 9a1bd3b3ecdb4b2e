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

/** An event loop the test runs: busy or idle for exactly as long as it says. */
function testLoop() {
  let time = 0;
  let idleTime = 0;
  return {
    now: () => time,
    idle: () => idleTime,
    busy(ms: number) {
      time += ms;
    },
    rest(ms: number) {
      time += ms;
      idleTime += ms;
    },
  };
}

type Loop = ReturnType<typeof testLoop>;

/** A connection whose flush takes `ms` (a write to thousands of sockets). */
function connection(loop: Loop, ms = 0) {
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
      loop.busy(ms);
      flushes++;
      flushed();
    },
  };
}

const afterTick = () => new Promise<void>((resolve) => process.nextTick(resolve));

/** A long flush, written at the end of its tick. */
async function longFlush(scheduler: FlushScheduler, loop: Loop) {
  const slow = connection(loop, 40);
  scheduler.add(slow);
  await afterTick();
  expect(slow.flushes).toBe(1);
}

/** Whether a quick connection added now is written at the end of its tick, not held back. */
async function writtenAtOnce(scheduler: FlushScheduler, loop: Loop): Promise<boolean> {
  const next = connection(loop);
  scheduler.add(next);
  await afterTick();
  return next.flushes === 1;
}

/** A scheduler whose loop has been busy for half a second, ending with a long flush. */
async function afterSaturatedLongFlush() {
  const loop = testLoop();
  const scheduler = new FlushScheduler(loop);
  loop.busy(500);
  await longFlush(scheduler, loop);
  return { loop, scheduler };
}

describe('FlushScheduler', () => {
  it('writes at once after a long flush when the loop has been keeping up', async () => {
    // A room of hundreds at a steady pace: idle gaps, a long flush, a message a moment later.
    const loop = testLoop();
    const scheduler = new FlushScheduler(loop);
    loop.rest(60);
    await longFlush(scheduler, loop);
    loop.busy(1);
    expect(await writtenAtOnce(scheduler, loop)).toBe(true);
  });

  it('holds a flush back while the loop is saturated and flushes are long, then writes it', async () => {
    const { loop, scheduler } = await afterSaturatedLongFlush();
    const next = connection(loop);
    const flushed = next.nextFlush();
    scheduler.add(next);
    await afterTick();
    expect(next.flushes).toBe(0);
    await flushed;
    expect(next.flushes).toBe(1);
  });

  it('writes at once when the loop is busy but keeping up, as a large room on a slow moment', async () => {
    // Flushes to hundreds of sockets with short gaps between: 92% busy, not saturated.
    const loop = testLoop();
    const scheduler = new FlushScheduler(loop);
    for (let i = 0; i < 20; i++) {
      loop.busy(23);
      loop.rest(2);
    }
    await longFlush(scheduler, loop);
    expect(await writtenAtOnce(scheduler, loop)).toBe(true);
  });

  it('stops holding flushes back once the loop has had a pause', async () => {
    const { loop, scheduler } = await afterSaturatedLongFlush();
    // Less than the last flush took, so it would wait, but the loop has been idle since.
    loop.rest(30);
    expect(await writtenAtOnce(scheduler, loop)).toBe(true);
  });

  it('never holds back short flushes, however busy the loop', async () => {
    const loop = testLoop();
    const scheduler = new FlushScheduler(loop);
    loop.busy(500);
    const first = connection(loop, 1);
    scheduler.add(first);
    await afterTick();
    expect(first.flushes).toBe(1);
    expect(await writtenAtOnce(scheduler, loop)).toBe(true);
  });
});

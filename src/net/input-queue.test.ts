import { describe, expect, it } from 'vitest';
import { InputQueue, type Pausable } from './input-queue.js';

/** A source that only remembers whether it was asked to stop. */
class Source implements Pausable {
  paused = false;
  pauses = 0;
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
  }
  isPaused(): boolean {
    return this.paused;
  }
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('InputQueue', () => {
  it('handles inputs one at a time, in order, pausing the source while too many wait', async () => {
    const source = new Source();
    const handled: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const queue = new InputQueue<number>(
      source,
      {
        async handleInput(input) {
          if (input === 0) await gate;
          handled.push(input);
        },
      },
      { maxPending: 4 },
    );
    for (let i = 0; i < 10; i++) queue.push(i);
    expect(source.paused).toBe(true);
    release();
    await queue.drained();
    expect(handled).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(source.paused).toBe(false);
  });

  it('runs pipelined work alongside later inputs, bounded, and settles before what must follow', async () => {
    const source = new Source();
    const events: string[] = [];
    const releases: Array<() => void> = [];
    const queue = new InputQueue<string>(
      source,
      {
        async handleInput(input) {
          if (input.startsWith('/')) {
            await queue.settle();
            events.push(input);
            return;
          }
          const work = new Promise<void>((resolve) => releases.push(resolve)).then(() => {
            events.push(`stored ${input}`);
          });
          await queue.pipeline(work);
          events.push(`read past ${input}`);
        },
      },
      { maxInFlight: 2 },
    );
    for (const input of ['a', 'b', 'c', '/quit']) queue.push(input);
    await tick();
    // a is in flight and did not hold b up; b filled the window, so c waits.
    expect(events).toEqual(['read past a']);
    for (let i = 0; i < 3; i++) {
      releases[i]?.();
      await tick();
    }
    await queue.drained();
    expect(events.indexOf('/quit')).toBe(events.length - 1);
    expect(events.filter((e) => e.startsWith('stored'))).toEqual([
      'stored a',
      'stored b',
      'stored c',
    ]);
  });
});

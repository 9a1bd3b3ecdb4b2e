import { Waiters } from './wait.js';

/** What a test client has received, and a way to wait for the next item that matches. */
export class Inbox<Item> {
  readonly items: Item[] = [];
  private read = 0;
  private readonly waiters = new Waiters();
  private ended = false;

  /** `describe` renders everything received, for the message of a failed wait. */
  constructor(private readonly describe: (items: readonly Item[]) => string) {}

  push(item: Item): void {
    this.items.push(item);
    this.waiters.wake();
  }

  /** Nothing more will come: waits still pending fail at once. */
  end(): void {
    this.ended = true;
    this.waiters.wake();
  }

  /**
   * Waits for the next item (after those already consumed) that matches, and returns it.
   * Fails with everything received so far, which is what one wants to read when it fails.
   */
  next(test: (item: Item) => boolean, timeoutMs = 5000): Promise<Item> {
    return this.waiters.until(
      () => {
        while (this.read < this.items.length) {
          const item = this.items[this.read++]!;
          if (test(item)) return item;
        }
        return undefined;
      },
      (why) =>
        new Error(
          `${why === 'closed' ? 'closed while waiting' : 'timed out waiting'}; received:\n${this.describe(this.items)}`,
        ),
      timeoutMs,
      () => (this.ended ? 'closed' : undefined),
    );
  }
}

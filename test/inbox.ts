/** What a test client has received, and a way to wait for the next item that matches. */
export class Inbox<Item> {
  readonly items: Item[] = [];
  private read = 0;
  private waiters: Array<() => void> = [];
  private ended = false;

  /** `describe` renders everything received, for the message of a failed wait. */
  constructor(private readonly describe: (items: readonly Item[]) => string) {}

  push(item: Item): void {
    this.items.push(item);
    this.wake();
  }

  /** Nothing more will come: waits still pending fail at once. */
  end(): void {
    this.ended = true;
    this.wake();
  }

  /**
   * Waits for the next item (after those already consumed) that matches, and returns it.
   * Fails with everything received so far, which is what one wants to read when it fails.
   */
  async next(test: (item: Item) => boolean, timeoutMs = 5000): Promise<Item> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      while (this.read < this.items.length) {
        const item = this.items[this.read++]!;
        if (test(item)) return item;
      }
      if (this.ended) throw new Error(`closed while waiting; received:\n${this.received()}`);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`timed out waiting; received:\n${this.received()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private received(): string {
    return this.describe(this.items);
  }

  private wake(): void {
    for (const waiter of this.waiters.splice(0)) waiter();
  }
}

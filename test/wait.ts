import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The one way tests wait. Something that hears of changes (a client receiving, a process
 * writing) keeps a `Waiters` and calls `wake()`; a test then waits `until` a condition holds,
 * woken by each change rather than polling. Things that do not tell (a terminal's screen, a
 * file another process writes) are polled with `poll`. Either fails after its time with a
 * description of what it saw, which is what one wants to read when a test fails.
 */
export class Waiters {
  private waiting: Array<() => void> = [];

  /** Something changed: every wait looks again. */
  wake(): void {
    for (const waiter of this.waiting.splice(0)) waiter();
  }

  /**
   * Resolves with `check`'s first defined result, looking again at each wake. `failure`
   * says why it gave up: 'timed out', or what `stop` returned (the peer is gone, say).
   */
  async until<T>(
    check: () => T | undefined,
    failure: (why: string) => Error,
    timeoutMs: number,
    stop: () => string | undefined = () => undefined,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = check();
      if (value !== undefined) return value;
      const stopped = stop();
      if (stopped !== undefined) throw failure(stopped);
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw failure('timed out');
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiting.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/**
 * Looks every `everyMs` until `check` returns something, failing after `timeoutMs` with
 * `what` it waited for and what `seen` says it saw last.
 */
export async function poll<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  options: { timeoutMs?: number; everyMs?: number; seen?: () => string } = {},
): Promise<T> {
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${what}${options.seen ? `; saw:\n${options.seen()}` : ''}`,
      );
    }
    await sleep(options.everyMs ?? 50);
  }
}

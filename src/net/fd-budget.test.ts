import { describe, expect, it } from 'vitest';
import { FdBudget, openFileLimit } from './fd-budget.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max open files            1024                 524288               files
Max locked memory         8388608              8388608              bytes
`;

describe('the file descriptor budget', () => {
  it.each([
    ['a Linux /proc/self/limits', LIMITS, 1024],
    ['an unlimited soft limit', LIMITS.replace('1024  ', 'unlimited'), undefined],
    ['no such line', 'Max processes 10 10 processes\n', undefined],
    ['nothing to read', '', undefined],
  ])('reads the soft open-file limit from %s', (_name, text, expected) => {
    expect(openFileLimit(text)).toBe(expected);
  });

  it('gives out its places, refuses past them, and takes them back', () => {
    const budget = new FdBudget(2);
    expect([budget.tryTake(), budget.tryTake(), budget.tryTake()]).toEqual([true, true, false]);
    budget.release();
    expect(budget.tryTake()).toBe(true);
    const unknown = new FdBudget(undefined);
    for (let i = 0; i < 10_000; i++) expect(unknown.tryTake()).toBe(true);
  });

  it('reads this machine', () => {
    const limit = FdBudget.forThisProcess().limit;
    // Linux always has the file; elsewhere there is simply no budget.
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
    else expect(limit).toBeUndefined();
  });
});

import { readFileSync } from 'node:fs';

/**
 * File descriptors kept back for what is not a client: the store's files and pool, log
 * output, the listening sockets, the event loop's own. Past the budget a new client is
 * refused by us, with a line and a log entry; at the real limit the kernel's refusal is
 * silent (libuv accepts and closes such connections itself, telling no one).
 */
export const FD_RESERVE = 64;

/** The soft limit on open files of this process, or undefined where it cannot be read. */
export function openFileLimit(limitsText = readProcLimits()): number | undefined {
  const match = /^Max open files\s+(\d+|unlimited)\s/m.exec(limitsText ?? '');
  if (!match) return undefined;
  return match[1] === 'unlimited' ? undefined : Number(match[1]);
}

function readProcLimits(): string | undefined {
  try {
    return readFileSync('/proc/self/limits', 'utf8');
  } catch {
    return undefined;
  }
}

/** Counts client connections against what the process may open. */
export class FdBudget {
  private open = 0;

  /** @param limit clients allowed at once; undefined: no limit known, none applied. */
  constructor(readonly limit: number | undefined) {}

  static forThisProcess(): FdBudget {
    const files = openFileLimit();
    return new FdBudget(files === undefined ? undefined : Math.max(files - FD_RESERVE, 1));
  }

  /** Takes a place for a new client; false when none is left. */
  tryTake(): boolean {
    if (this.limit !== undefined && this.open >= this.limit) return false;
    this.open += 1;
    return true;
  }

  release(): void {
    this.open -= 1;
  }
}

import { ChatError } from '../errors.js';

const UNIT_MS: Readonly<Record<string, number>> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000,
};

/** The longest a sanction may be set for; longer is "until lifted", said as no duration. */
export const MAX_DURATION_MS = 366 * 86_400_000;

/** Whether a word is meant as a duration (`10m`, `2h`, `1h30m`, `7d`), not a reason. */
export function isDuration(word: string): boolean {
  return /^(\d+[smhdw])+$/i.test(word);
}

/** `10m`, `2h`, `7d`, `1h30m` in milliseconds; BAD_ARGUMENTS for anything else or too long. */
export function parseDuration(word: string): number {
  if (!isDuration(word)) {
    throw new ChatError('BAD_ARGUMENTS', `"${word}" is not a duration like 10m, 2h or 7d.`);
  }
  let total = 0;
  for (const [, count, unit] of word.toLowerCase().matchAll(/(\d+)([smhdw])/g)) {
    total += Number(count) * UNIT_MS[unit!]!;
  }
  if (total <= 0 || total > MAX_DURATION_MS) {
    throw new ChatError('BAD_ARGUMENTS', 'A duration is between 1s and 366d.');
  }
  return total;
}

/** A duration as people read it: the two largest units (`2h 5m`, `7d`, `30s`). */
export function formatDuration(ms: number): string {
  const parts: string[] = [];
  let rest = Math.max(0, Math.round(ms / 1000)) * 1000;
  for (const unit of ['d', 'h', 'm', 's']) {
    const size = UNIT_MS[unit]!;
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.length === 0 ? '0s' : parts.join(' ');
}

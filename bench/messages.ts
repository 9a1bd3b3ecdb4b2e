/**
 * Deterministic chat-like text: pseudo-words of 2–4 syllables drawn from a vocabulary of a few
 * thousand, so the full-text index sees a realistic mix of repeated and rarer terms. Texts are
 * pure ASCII, so characters == bytes. And the numbers the load generator heads each message
 * with, read back without decoding.
 */

const SYLLABLES = [
  'ka',
  'lo',
  'mi',
  'ne',
  'ru',
  'sa',
  'to',
  'vi',
  'be',
  'do',
  'fa',
  'gi',
  'ho',
  'ju',
  'ki',
  'la',
  'me',
  'no',
  'pa',
  're',
  'si',
  'tu',
  'we',
  'ya',
  'zo',
  'cha',
  'shi',
  'tra',
  'ple',
  'gro',
];

/** A small, seedable PRNG (mulberry32): the same seed gives the same texts on every run. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function vocabulary(size: number, next: () => number): string[] {
  const words = new Set<string>();
  while (words.size < size) {
    const syllables = 2 + Math.floor(next() * 3);
    let word = '';
    for (let i = 0; i < syllables; i++) word += SYLLABLES[Math.floor(next() * SYLLABLES.length)];
    words.add(word);
  }
  return [...words];
}

/**
 * `poolSize` distinct texts of exactly `bytes` bytes. Word choice is skewed (a few words are
 * common, most are rare), roughly as in real chat.
 */
export function textPool(poolSize: number, bytes: number, seed = 42): string[] {
  const next = random(seed);
  const words = vocabulary(3000, next);
  const texts: string[] = [];
  for (let i = 0; i < poolSize; i++) {
    let text = '';
    while (text.length < bytes) {
      const word = words[Math.floor(next() ** 3 * words.length)]!;
      text += text.length === 0 ? word : ` ${word}`;
    }
    text = text.slice(0, bytes);
    // Never end on a space: the server may trim, and the byte count must stay exact.
    if (text.endsWith(' ')) text = `${text.slice(0, -1)}x`;
    texts.push(text);
  }
  return texts;
}

/** The number written in `digits` ASCII digits at buf[start] (a message's sequence or time). */
export function readNumber(buf: Buffer, start: number, digits: number): number {
  let value = 0;
  for (let i = start; i < start + digits; i++) value = value * 10 + buf[i]! - 48;
  return value;
}

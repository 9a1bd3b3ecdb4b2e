import { describe, expect, it } from 'vitest';
import { parseModes } from './mode-letters.js';

describe('parseModes', () => {
  it('pairs letters with their parameters in order', () => {
    const parsed = parseModes('+ov-k+l', ['alice', 'bob', 'old', '5']);
    expect(parsed.changes).toEqual([
      { mode: 'op', on: true, nick: 'alice' },
      { mode: 'voice', on: true, nick: 'bob' },
      { mode: 'key', on: false, key: 'old' },
      { mode: 'limit', on: true, limit: 5 },
    ]);
    expect(parsed.missing).toEqual([]);
  });

  it('ignores parameterized letters past the limit, without errors, but keeps flags', () => {
    const nicks = Array.from({ length: 25 }, (_, i) => `n${i}`);
    const parsed = parseModes(`+${'v'.repeat(25)}m`, nicks, 20);
    expect(parsed.changes.filter((change) => change.mode === 'voice')).toHaveLength(20);
    expect(parsed.changes.at(-1)).toEqual({ mode: 'moderated', on: true });
    expect(parsed.missing).toEqual([]);
  });

  it('reports a letter whose parameter is missing within the limit', () => {
    const parsed = parseModes('+vk', ['alice'], 20);
    expect(parsed.missing).toEqual(['k']);
  });

  it('reads +b without a mask as a list query and m: masks as mutes', () => {
    const parsed = parseModes('+bb', ['m:*!*@spam']);
    expect(parsed.changes).toEqual([{ mode: 'mute', on: true, mask: '*!*@spam' }]);
    expect(parsed.listQueries).toEqual(['ban']);
  });
});

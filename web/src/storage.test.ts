import { describe, expect, it } from 'vitest';
import { emptyPlace, parsePlace, placeKey, placeText } from './storage.js';

describe('the place kept across reloads', () => {
  it('reads back what it wrote', () => {
    const place = {
      rooms: ['#lobby', '#dev'],
      privates: ['netty'],
      active: 'netty',
      lastRead: { '#dev': 41, netty: 3 },
    };
    expect(parsePlace(placeText(place))).toEqual(place);
  });

  it('is keyed by origin and nickname, case-folded', () => {
    expect(placeKey('http://a:1', 'Alice')).toBe(placeKey('http://a:1', 'alice'));
    expect(placeKey('http://a:1', 'alice')).not.toBe(placeKey('http://b:1', 'alice'));
  });

  it.each([
    ['nothing stored', null],
    ['not JSON', '{"v":1,'],
    ['not an object', '[1,2]'],
    ['null', 'null'],
    ['another version', '{"v":0,"rooms":["#x"]}'],
    ['no version (the old sessionStorage list)', '["#dev"]'],
  ])('starts afresh from %s', (_what, text) => {
    expect(parsePlace(text)).toEqual(emptyPlace());
  });

  it('keeps what makes sense of a damaged entry and drops the rest', () => {
    const text = JSON.stringify({
      v: 1,
      rooms: ['#ok', 5, '', 'not-a-room', null],
      privates: ['bob', '#notprivate', {}],
      active: 7,
      lastRead: { '#ok': 12, bad: -1, worse: 'x', nan: 1.5 },
    });
    expect(parsePlace(text)).toEqual({
      rooms: ['#ok'],
      privates: ['bob'],
      active: undefined,
      lastRead: { '#ok': 12 },
    });
  });
});

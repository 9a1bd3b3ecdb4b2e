import { describe, expect, it } from 'vitest';
import { checkNick, checkRoomName, foldCase } from './names.js';

describe('nicknames', () => {
  it.each([
    ['alice', true],
    ['A', true],
    ['_under', true],
    ['[bracket]', true],
    ['{curly}|pipe^caret\\back', true],
    ['x'.repeat(32), true],
    ['x'.repeat(33), false],
    ['', false],
    ['9lives', false],
    ['-dash', false],
    ['dash-ok', true],
    ['has space', false],
    ['dot.ted', false],
    ['émile', false],
    ['tab\there', false],
    ['#room', false],
  ])('%j valid: %s', (nick, valid) => {
    expect(checkNick(nick) === undefined).toBe(valid);
  });

  it('folds ASCII letters only', () => {
    expect(foldCase('ALICE[]^')).toBe('alice[]^');
    expect(foldCase('Émile')).toBe('Émile');
  });
});

describe('room names', () => {
  it.each([
    ['#lobby', true],
    ['#dev.ops', true],
    ['#a', true],
    ['#', false],
    ['lobby', false],
    ['#with space', false],
    ['#comma,room', false],
    [`#${'r'.repeat(49)}`, true],
    [`#${'r'.repeat(50)}`, false],
  ])('%j valid: %s', (room, valid) => {
    expect(checkRoomName(room) === undefined).toBe(valid);
  });
});

import { describe, expect, it } from 'vitest';
import { decodeEnvelope } from './envelope.js';

const member = (state: Record<string, unknown> | null) =>
  JSON.stringify({ v: 1, k: 'member', node: 'n1', key: 'alice', state });

const ALICE = { nick: 'alice', door: 'irc', hidden: false, rooms: ['#a'] };

describe('member envelopes', () => {
  it.each<[string, Record<string, unknown>]>([
    [
      'with a user name and host',
      { ...ALICE, username: '~alice', host: 'k3fq9a2m.7d0a1bc4.cloak' },
    ],
    // A node of the version before: its users get the defaults (see ClusterRoster).
    ['without them', ALICE],
  ])('are taken %s', (_, state) => {
    expect(decodeEnvelope(member(state))).toMatchObject({ k: 'member', state });
  });

  it.each<[string, Record<string, unknown>]>([
    ['a user name that is not text', { ...ALICE, username: 7 }],
    ['an empty host', { ...ALICE, host: '' }],
    ['a host with a space', { ...ALICE, host: 'a b' }],
    ['a host with CR LF', { ...ALICE, host: 'a\r\nQUIT' }],
    ['a user name with "@"', { ...ALICE, username: '~a@b' }],
    ['a host of 65 characters', { ...ALICE, host: 'h'.repeat(65) }],
  ])('are refused with %s', (_, state) => {
    expect(decodeEnvelope(member(state))).toBe('bad member state');
  });
});

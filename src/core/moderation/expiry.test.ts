import { afterEach, describe, expect, it, vi } from 'vitest';
import { Room } from '../room.js';
import { SanctionExpiry } from './expiry.js';
import type { Sanction } from './types.js';

function ban(mask: string, expiresAt?: number): Sanction {
  return {
    room: '#a',
    kind: 'ban',
    mask,
    setBy: 'op',
    setAt: 0,
    reason: '',
    ...(expiresAt === undefined ? {} : { expiresAt }),
  };
}

describe('SanctionExpiry', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('lifts each timed sanction when its time is up, one timer for every room', () => {
    vi.useFakeTimers({ now: 0 });
    const a = new Room('#a', '#a', 'op', 0);
    const b = new Room('#b', '#b', 'op', 0);
    a.mod.putSanction(ban('*!*@one', 1_000));
    a.mod.putSanction(ban('*!*@forever'));
    b.mod.putSanction(ban('*!*@two', 3_000));
    const lifted: string[] = [];
    const expiry = new SanctionExpiry(
      () => [a, b],
      (room, sanctions) => lifted.push(...sanctions.map((s) => `${room.name} ${s.mask}`)),
      Date.now,
    );
    expiry.expect(3_000);
    expiry.expect(1_000);
    vi.advanceTimersByTime(999);
    expect(lifted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lifted).toEqual(['#a *!*@one']);
    const version = b.mod.version;
    vi.advanceTimersByTime(2_000);
    expect(lifted).toEqual(['#a *!*@one', '#b *!*@two']);
    expect(b.mod.version).toBeGreaterThan(version);
    expect(a.mod.bans.map((s) => s.mask)).toEqual(['*!*@forever']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('waits for an expiry beyond the longest timer in steps', () => {
    const year = 366 * 24 * 3600 * 1000;
    vi.useFakeTimers({ now: 0 });
    const a = new Room('#a', '#a', 'op', 0);
    a.mod.putSanction(ban('*!*@late', year));
    const lifted: Sanction[] = [];
    const expiry = new SanctionExpiry(
      () => [a],
      (_room, s) => lifted.push(...s),
      Date.now,
    );
    expiry.expect(year);
    vi.advanceTimersByTime(year - 1);
    expect(lifted).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(lifted.map((s) => s.mask)).toEqual(['*!*@late']);
  });
});

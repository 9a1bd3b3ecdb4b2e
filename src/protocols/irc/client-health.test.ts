import { describe, expect, it } from 'vitest';
import { keepaliveDue } from './client-health.js';

const LIMITS = { pingIntervalMs: 120_000, pingTimeoutMs: 60_000 };

describe('keepaliveDue', () => {
  it('pings a client quiet for the interval, and not before', () => {
    expect(keepaliveDue(119_999, 0, undefined, LIMITS)).toBeUndefined();
    expect(keepaliveDue(120_000, 0, undefined, LIMITS)).toBe('ping');
  });

  it('gives up on a PING unanswered for the timeout, saying so', () => {
    expect(keepaliveDue(179_999, 0, 120_000, LIMITS)).toBeUndefined();
    expect(keepaliveDue(180_000, 0, 120_000, LIMITS)).toEqual({
      timedOut: 'Ping timeout: 60 seconds',
    });
  });
});

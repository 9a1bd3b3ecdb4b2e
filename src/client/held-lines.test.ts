import { describe, expect, it } from 'vitest';
import { HeldLines, MAX_HELD_LINES } from './held-lines.js';

function held(settlingAtFirst: boolean) {
  const state = { settling: settlingAtFirst };
  const log: string[] = [];
  const lines = new HeldLines({
    settling: () => state.settling,
    handle: (line) => log.push(line),
    end: () => log.push('END'),
    refuse: () => log.push('refused'),
  });
  /** A typed line: handled at once unless held. */
  const type = (line: string) => {
    if (!lines.hold(line)) log.push(line);
  };
  return { state, log, lines, type };
}

describe('HeldLines', () => {
  it('holds lines and the end of input until the first nickname is settled, then lets them go in order', () => {
    const { state, log, lines, type } = held(true);
    type('one');
    type('two');
    expect(lines.holdEnd()).toBe(true);
    expect(log).toEqual([]);
    state.settling = false;
    lines.release();
    expect(log).toEqual(['one', 'two', 'END']);
    type('three');
    expect(log.at(-1)).toBe('three');
  });

  it('holds what follows a room change until its pong, and stops again at the next one', () => {
    const { log, lines, type } = held(false);
    type('before');
    lines.roomChangeSent('p1');
    type('after the join');
    type('/part');
    expect(lines.pong('someone else')).toBe(false);
    expect(log).toEqual(['before']);
    expect(lines.pong('p1')).toBe(true);
    expect(log).toEqual(['before', 'after the join', '/part']);
  });

  it('lets the lines go when the connection drops, and refuses past its cap', () => {
    const { log, lines, type } = held(false);
    lines.roomChangeSent('p1');
    for (let i = 0; i < MAX_HELD_LINES + 2; i++) type(`l${i}`);
    expect(log.filter((entry) => entry === 'refused')).toHaveLength(2);
    lines.dropped();
    expect(log.filter((entry) => entry.startsWith('l'))).toHaveLength(MAX_HELD_LINES);
  });
});

import { describe, expect, it } from 'vitest';
import { CrowdNotices, describeCrowd } from './crowd-notices.js';
import type { ChatEvent } from './events.js';

type Crowd = Extract<ChatEvent, { type: 'crowd' }>;

function crowdNotices(above: number, sizes = new Map<string, number>(), quietAbove = 0) {
  const timers: Array<() => void> = [];
  const sent: Array<[string, Crowd]> = [];
  const notices = new CrowdNotices(
    { above, quietAbove, intervalMs: 1000 },
    (key, event) => sent.push([key, event]),
    (key) => sizes.get(key) ?? 0,
    (run) => timers.push(run),
  );
  const fire = () => {
    for (const run of timers.splice(0)) run();
  };
  return { notices, sent, fire };
}

describe('CrowdNotices', () => {
  it('counts a room as crowded only above the threshold, and never at 0', () => {
    expect(crowdNotices(3).notices.isCrowded(3)).toBe(false);
    expect(crowdNotices(3).notices.isCrowded(4)).toBe(true);
    expect(crowdNotices(0).notices.isCrowded(1_000_000)).toBe(false);
  });

  it('gathers one summary per room per interval, naming the first five', () => {
    const { notices, sent, fire } = crowdNotices(1, new Map([['#big', 8]]));
    for (const nick of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) notices.joined('#big', '#Big', nick);
    notices.left('#big', '#Big', 'z');
    notices.joined('#other', '#other', 'q');
    expect(sent).toEqual([]);
    fire();
    expect(sent).toEqual([
      [
        '#big',
        {
          type: 'crowd',
          room: '#Big',
          joined: ['a', 'b', 'c', 'd', 'e'],
          joinedCount: 7,
          left: ['z'],
          leftCount: 1,
          members: 8,
        },
      ],
      [
        '#other',
        {
          type: 'crowd',
          room: '#other',
          joined: ['q'],
          joinedCount: 1,
          left: [],
          leftCount: 0,
          members: 0,
        },
      ],
    ]);
    // The next interval starts afresh.
    notices.left('#big', '#Big', 'a');
    fire();
    expect(sent[2]?.[1]).toMatchObject({ joinedCount: 0, left: ['a'], leftCount: 1 });
  });

  it('marks a summary quiet when any of its joins or parts came while the room was past quietAbove', () => {
    const sizes = new Map([['#big', 5]]);
    const { notices, sent, fire } = crowdNotices(2, sizes, 4);
    notices.joined('#big', '#big', 'a');
    // The room shrinks below the quiet size before the summary goes: it must still say so.
    sizes.set('#big', 3);
    notices.left('#big', '#big', 'b');
    fire();
    expect(sent[0]?.[1]).toMatchObject({ quiet: true, members: 3, joinedCount: 1, leftCount: 1 });
    notices.left('#big', '#big', 'c');
    fire();
    expect(sent[1]?.[1]).not.toHaveProperty('quiet');
    expect(notices.isQuiet('#big')).toBe(false);
    sizes.set('#big', 5);
    expect(notices.isQuiet('#big')).toBe(true);
  });
});

describe('describeCrowd', () => {
  const crowd = (
    joined: string[],
    joinedCount: number,
    left: string[],
    leftCount: number,
  ): Crowd => ({
    type: 'crowd',
    room: '#lobby',
    joined,
    joinedCount,
    left,
    leftCount,
  });

  it.each([
    [crowd(['ann', 'bob'], 2, [], 0), true, '2 joined #lobby (ann, bob)'],
    [crowd(['ann'], 8, ['zed'], 1), true, '8 joined #lobby (ann and 7 others); 1 left (zed)'],
    [crowd([], 0, ['zed'], 2), true, '2 left #lobby (zed and 1 other)'],
    [crowd(['ann'], 1, ['zed'], 1), false, '1 joined (ann); 1 left (zed)'],
  ])('%j with the room %s reads %s', (event, withRoom, text) => {
    expect(describeCrowd(event, withRoom)).toBe(text);
  });
});

import { describe, expect, it } from 'vitest';
import type { HistoryMessage, ServerMessage } from '../protocols/ws/protocol.js';
import { CatchUp } from './catch-up.js';

const time = 1767225600000;
const live = (room: string, id: number, text: string, from = 'bob'): ServerMessage => ({
  type: 'message',
  id,
  room,
  from,
  text,
  action: false,
  time,
});
const stored = (id: number, text: string, from = 'bob'): HistoryMessage => ({
  id,
  from,
  text,
  action: false,
  time,
});
const history = (
  target: string,
  reason: 'join' | 'request' | 'resume' | 'search',
  messages: HistoryMessage[],
  extra: { gap?: { from: number; to: number }; more?: boolean } = {},
): Extract<ServerMessage, { type: 'history' }> => ({
  type: 'history',
  target,
  private: false,
  reason,
  messages,
  gap: extra.gap ?? null,
  more: extra.more ?? false,
});
const ack = (to: string, id: number, ref = 'r'): ServerMessage => ({
  type: 'ack',
  ref,
  id,
  to,
  time,
});

/** A catch-up fed server messages; what it shows is kept as texts, or ids for history. */
function setup(unackedOwn: (room: string, message: HistoryMessage) => boolean = () => false) {
  let refs = 0;
  const catchUp = new CatchUp({
    newRef: () => `ref-${++refs}`,
    ownNick: () => 'carol',
    isUnackedOwn: unackedOwn,
  });
  const shown: ServerMessage[] = [];
  const sent: unknown[] = [];
  const feed = (...messages: ServerMessage[]) => {
    for (const message of messages) {
      const outcome = catchUp.receive(message);
      shown.push(...outcome.show);
      sent.push(...outcome.send);
    }
  };
  /** What was shown, briefly: live texts, and history as reason:ids. */
  const seen = () =>
    shown.map((message) => {
      if (message.type === 'message') return message.text;
      if (message.type === 'history') {
        return `${message.reason}:${message.messages.map((m) => m.id).join(',')}${message.gap ? ' gap' : ''}`;
      }
      if (message.type === 'notice' || message.type === 'error') return message.type;
      return message.type;
    });
  return { catchUp, feed, shown, sent, seen };
}

describe('catching up (CatchUp, fed WebSocket messages)', () => {
  it('keeps the newest id of each room, from live messages, replays and acks', () => {
    const { catchUp, feed, seen } = setup();
    feed(live('#lobby', 4, 'hi'), live('#Dev', 7, 'yo'), ack('#dev', 8), ack('bob', 99));
    feed(history('#ops', 'join', [stored(2, 'a'), stored(3, 'b')]));
    expect(catchUp.lastId('#LOBBY')).toBe(4);
    expect(catchUp.lastId('#dev')).toBe(8);
    expect(catchUp.lastId('#ops')).toBe(3);
    expect(catchUp.lastId('#nowhere')).toBeUndefined();
    expect(seen()).toEqual(['hi', 'yo', 'join:2,3']);
  });

  it('asks to resume only the rooms where it saw a message', () => {
    const { catchUp, feed } = setup();
    feed(live('#lobby', 4, 'hi'), ack('#dev', 9));
    expect(catchUp.resumePoints(['#lobby', '#ops', '#dev'], 'hello')).toEqual([
      { room: '#lobby', after: 4 },
      { room: '#dev', after: 9 },
    ]);
  });

  it('drops from a join replay what was shown already, and the replay if nothing is new', () => {
    const { feed, seen } = setup();
    feed(live('#lobby', 4, 'seen'));
    feed(history('#lobby', 'join', [stored(3, 'a'), stored(4, 'seen')]));
    feed(history('#lobby', 'join', [stored(4, 'seen'), stored(5, 'c')]));
    expect(seen()).toEqual(['seen', 'join:5']);
  });

  it('shows whole the history the user asks for, without taking it as seen', () => {
    const { catchUp, feed, seen } = setup();
    feed(live('#lobby', 10, 'seen'));
    feed(history('#lobby', 'request', [stored(3, 'a')], { more: true }));
    feed(history('#lobby', 'search', [stored(4, 'b')]));
    feed(history('#lobby', 'resume', [stored(9, 'c')]));
    expect(seen()).toEqual(['seen', 'request:3', 'search:4', 'resume:9']);
    expect(catchUp.lastId('#lobby')).toBe(10);
  });

  it('holds a resumed room back until what was missed has come, page by page', () => {
    const { catchUp, feed, sent, seen } = setup();
    feed(live('#lobby', 4, 'seen'), live('#dev', 10, 'seen in dev'));
    catchUp.disconnected();
    expect(catchUp.resumePoints(['#lobby', '#dev'], 'hello')).toHaveLength(2);
    // Live messages come before the answers: they wait, and whatever the answer shows is not
    // shown again.
    feed(live('#lobby', 8, 'd'), live('#ops', 1, 'elsewhere'));
    feed(
      history('#lobby', 'resume', [stored(5, 'a'), stored(6, 'b'), stored(7, 'c'), stored(8, 'd')]),
    );
    feed(live('#dev', 14, 'live'), ack('#dev', 15));
    feed(history('#dev', 'resume', [stored(12, 'x')], { gap: { from: 11, to: 11 }, more: true }));
    expect(sent).toEqual([{ type: 'resume', room: '#dev', after: 12, ref: 'ref-1' }]);
    feed(live('#dev', 16, 'still held'));
    feed(history('#dev', 'resume', [stored(13, 'y'), stored(14, 'live'), stored(15, 'ours')]));
    feed(live('#dev', 17, 'after'));
    expect(seen()).toEqual([
      'seen',
      'seen in dev',
      'elsewhere',
      'resume:5,6,7,8',
      // Our own paging: its end line is not the user's to follow.
      'resume:12 gap',
      // Our own message, acked while held, is on screen already.
      'resume:13,14',
      'still held',
      'after',
    ]);
    const pages = seen().filter((line) => line.startsWith('resume'));
    expect(pages).toHaveLength(3);
    expect(catchUp.lastId('#dev')).toBe(17);
  });

  it('says nothing when nothing was missed, but always tells of a gap', () => {
    const { catchUp, feed, seen } = setup();
    feed(live('#lobby', 4, 'seen'), live('#dev', 9, 'seen'));
    catchUp.resumePoints(['#lobby', '#dev'], 'hello');
    feed(history('#lobby', 'resume', []));
    feed(history('#dev', 'resume', [], { gap: { from: 10, to: 12 } }));
    expect(seen()).toEqual(['seen', 'seen', 'resume: gap']);
  });

  it('does not show back our own messages stored before the drop but never acked', () => {
    const { catchUp, feed, seen } = setup(
      (room, message) => room === '#dev' && message.text === 'mine',
    );
    feed(live('#dev', 9, 'seen'));
    catchUp.resumePoints(['#dev'], 'hello');
    feed(history('#dev', 'resume', [stored(10, 'theirs'), stored(11, 'mine', 'carol')]));
    expect(seen()).toEqual(['seen', 'resume:10']);
    expect(catchUp.lastId('#dev')).toBe(11);
  });

  it('lets a room through if its resume fails, saying how to try again', () => {
    const { catchUp, feed, shown } = setup();
    feed(live('#lobby', 4, 'seen'), live('#dev', 9, 'seen'));
    catchUp.disconnected();
    shown.length = 0;
    catchUp.resumePoints(['#lobby', '#dev'], 'hello');
    feed(live('#dev', 12, 'live'));
    feed(history('#lobby', 'resume', []));
    const failed: ServerMessage = {
      type: 'error',
      code: 'STORE_FAILED',
      message: 'History is unavailable right now. Try again shortly.',
      ref: 'hello',
    };
    feed(failed);
    expect(shown).toEqual([
      failed,
      {
        type: 'notice',
        text: 'Could not get what you missed in #dev; to try again: /resume #dev 9',
      },
      live('#dev', 12, 'live'),
    ]);
  });

  it('starts counting again when a live message comes with an old id (a server that forgot)', () => {
    const { catchUp, feed, seen } = setup();
    feed(live('#lobby', 40, 'before'), live('#lobby', 2, 'after'), live('#lobby', 3, 'on'));
    expect(seen()).toEqual(['before', 'after', 'on']);
    expect(catchUp.lastId('#lobby')).toBe(3);
  });

  it('forgets what it was resuming when the connection drops, not what it saw', () => {
    const { catchUp, feed, seen } = setup();
    feed(live('#lobby', 4, 'seen'));
    catchUp.resumePoints(['#lobby'], 'hello');
    catchUp.disconnected();
    feed(live('#lobby', 5, 'live again'));
    expect(seen()).toEqual(['seen', 'live again']);
    expect(catchUp.resumePoints(['#lobby'], 'again')).toEqual([{ room: '#lobby', after: 5 }]);
  });
});

describe('resuming many rooms', () => {
  it('resumes in a hello at most as many as the server takes, the last ones', () => {
    const catchUp = new CatchUp({
      newRef: () => 'r',
      ownNick: () => 'carol',
      isUnackedOwn: () => false,
    });
    const rooms = Array.from({ length: 120 }, (_, i) => `#r${i}`);
    rooms.forEach((room, i) => {
      catchUp.receive(live(room, i + 1, 'hi'));
    });
    const points = catchUp.resumePoints(rooms, 'hello');
    expect(points).toHaveLength(100);
    expect(points[0]).toEqual({ room: '#r20', after: 21 });
    expect(points.at(-1)).toEqual({ room: '#r119', after: 120 });
    // The rooms left out are not held back: they are joined again, not resumed.
    expect(catchUp.receive(live('#r0', 200, 'live')).show).toHaveLength(1);
  });
});

describe('learning where a room stands when it is joined', () => {
  const join = (room: string, nick = 'carol'): ServerMessage => ({ type: 'join', room, nick });

  it('asks for the newest message of a room joined without one seen, and keeps the answer to itself', () => {
    const { catchUp, feed, sent, seen } = setup();
    feed(join('#dev'), join('#dev', 'bob'));
    expect(sent).toEqual([{ type: 'history', target: '#dev', limit: 1, ref: 'ref-1' }]);
    feed(history('#dev', 'request', [stored(41, 'hi')]));
    expect(catchUp.lastId('#dev')).toBe(41);
    // An empty room: everything in it will be new.
    feed(join('#new'), history('#new', 'request', []));
    expect(catchUp.lastId('#new')).toBe(0);
    expect(seen()).toEqual(['join', 'join', 'join']);
    // A room with a message seen needs no asking.
    feed(join('#dev'));
    expect(sent).toHaveLength(2);
  });

  it('tells the user’s history pages from its own, answered in the order asked', () => {
    const { catchUp, feed, sent, seen } = setup();
    const mine = catchUp.userHistory({ type: 'history', target: '#dev', limit: 20 });
    expect(mine.ref).toBe('ref-1');
    feed(join('#dev'));
    expect(sent).toEqual([{ type: 'history', target: '#dev', limit: 1, ref: 'ref-2' }]);
    feed(history('#dev', 'request', [stored(3, 'a'), stored(4, 'b')]));
    feed(history('#dev', 'request', [stored(9, 'newest')]));
    expect(seen()).toEqual(['join', 'request:3,4']);
    expect(catchUp.lastId('#dev')).toBe(9);
  });

  it('hides the error of its own request, and shows the user’s', () => {
    const { catchUp, feed, seen } = setup();
    feed(join('#dev'));
    catchUp.userHistory({ type: 'history', target: '#dev', limit: 20, ref: 'users' });
    const failed = (ref: string): ServerMessage => ({
      type: 'error',
      code: 'STORE_FAILED',
      message: 'History is unavailable right now. Try again shortly.',
      ref,
    });
    feed(failed('ref-1'), failed('users'));
    expect(seen()).toEqual(['join', 'error']);
    expect(catchUp.lastId('#dev')).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import type { MemberView } from './member.js';
import { NickHistory } from './nick-history.js';

const user = (nick: string, realname = `${nick} real`): MemberView => ({
  nick,
  away: undefined,
  door: 'irc',
  realname,
  hidden: false,
  username: `~${nick}`,
  host: 'abc.cloak',
});

describe('NickHistory', () => {
  it('gives a nickname back newest first, whatever its case', () => {
    const history = new NickHistory();
    history.add(user('Ann', 'first'), 1);
    history.add(user('bob'), 2);
    history.add(user('ANN', 'second'), 3);
    expect(history.find('ann').map((past) => [past.user.realname, past.at])).toEqual([
      ['second', 3],
      ['first', 1],
    ]);
    expect(history.find('ann', 1)).toHaveLength(1);
    expect(history.find('nobody')).toEqual([]);
  });

  it('forgets the oldest past its size', () => {
    const history = new NickHistory(3);
    for (const [i, nick] of ['a', 'b', 'c', 'a', 'd'].entries()) history.add(user(nick), i);
    // The two oldest entries went: a's first and b's.
    expect(history.find('b')).toEqual([]);
    expect(history.find('a').map((past) => past.at)).toEqual([3]);
    expect(history.find('c').map((past) => past.at)).toEqual([2]);
    expect(history.find('d').map((past) => past.at)).toEqual([4]);
  });
});

import { describe, expect, it } from 'vitest';
import { inOrder, type Place, restoreRequests } from './restore.js';

const place = (overrides: Partial<Place>): Place => ({
  rooms: [],
  current: undefined,
  resumed: [],
  lobby: '#lobby',
  ...overrides,
});

describe('putting the user back after a reconnect (restoreRequests)', () => {
  it('goes back to the current room last', () => {
    expect(inOrder(['#lobby', '#dev', '#ops'], '#DEV')).toEqual(['#lobby', '#ops', '#DEV']);
    expect(inOrder(['#lobby'], undefined)).toEqual(['#lobby']);
  });

  const ROWS: Array<[string, Partial<Place>, object[]]> = [
    [
      'nothing resumed: the server put us in the lobby, the rest is joined',
      { rooms: ['#lobby', '#ops', '#dev'], current: '#dev' },
      [
        { type: 'join', room: '#ops' },
        { type: 'join', room: '#dev' },
      ],
    ],
    [
      'a lobby we had left is left again, once we are in the current room',
      { rooms: ['#dev'], current: '#dev' },
      [
        { type: 'join', room: '#dev' },
        { type: 'part', room: '#lobby' },
      ],
    ],
    [
      'rooms resumed are not joined again; the current one is still asked for',
      { rooms: ['#lobby', '#ops', '#dev'], current: '#dev', resumed: ['#dev'] },
      [
        { type: 'join', room: '#lobby' },
        { type: 'join', room: '#ops' },
        { type: 'join', room: '#dev' },
      ],
    ],
    [
      'resumed without the lobby, the server did not put us there',
      { rooms: ['#dev'], current: '#dev', resumed: ['#dev'] },
      [{ type: 'join', room: '#dev' }],
    ],
    [
      'in no room: the lobby the server put us in is left',
      { rooms: [], current: undefined },
      [{ type: 'part', room: '#lobby' }],
    ],
    [
      'the lobby by another name and case',
      { rooms: ['#Hall'], current: '#hall', resumed: ['#HALL'], lobby: '#hall' },
      [{ type: 'join', room: '#hall' }],
    ],
  ];

  it.each(ROWS)('%s', (_name, overrides, requests) => {
    expect(restoreRequests(place(overrides))).toEqual(requests);
  });
});

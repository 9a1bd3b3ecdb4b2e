import { describe, expect, it } from 'vitest';
import { DEFAULTS, type RoomsConfig } from '../src/server.js';
import { IrcClient, LineClient, startTestServer } from './helpers.js';
import { WsClient } from './ws-client.js';

/**
 * Limits on what one user can make everyone pay for: new rooms per connection, rooms per
 * server, nickname changes per connection. The rates are one a minute after a burst of two,
 * so within a test the third attempt is always refused.
 */
function rooms(overrides: Partial<RoomsConfig>): RoomsConfig {
  return { ...DEFAULTS.rooms, ...overrides };
}

describe('room creation and nickname limits', () => {
  it('throttles room creation per connection on every door', async () => {
    const server = await startTestServer({ rooms: rooms({ perMinute: 1, burst: 2 }) });
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #l1');
    line.send('/join #l2');
    line.send('/join #l3');
    await line.waitFor(
      /^!!! You are creating rooms too fast: try again in \d+ seconds\. \(ROOM_RATE_LIMIT\)$/,
    );
    expect(line.sawLine('*** Now talking in #l2')).toBe(true);
    expect(server.chat.findRoom('#l3')).toBeUndefined();
    // Joining a room that exists is not creating one.
    line.send('/join #lobby');
    await line.waitFor('*** Now talking in #lobby');

    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    irc.send('JOIN #i1,#i2,#i3,#l1');
    await irc.waitFor(
      /^:irc\.test 405 ircer #i3 :You are creating rooms too fast: try again in \d+ seconds\.$/,
    );
    await irc.waitFor((text) => text.includes(' 366 ircer #l1 '));

    const ws = await WsClient.join(server.port('http'), 'webber');
    for (const room of ['#w1', '#w2', '#w3']) ws.send({ type: 'join', room, ref: room });
    const error = await ws.waitForType('error');
    expect(error).toMatchObject({ code: 'ROOM_RATE_LIMIT', ref: '#w3' });
    expect(server.chat.findRoom('#w2')).toBeDefined();
  });

  it('caps the rooms of the server on every door', async () => {
    // The lobby and two more.
    const server = await startTestServer({ rooms: rooms({ max: 3 }) });
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/join #one');
    await line.waitFor('*** Now talking in #one');
    const ws = await WsClient.join(server.port('http'), 'webber');
    ws.send({ type: 'join', room: '#two' });
    await ws.waitFor({ type: 'current-room', room: '#two' });

    line.send('/join #three');
    await line.waitFor(
      '!!! The server already has 3 rooms, its limit: join an existing room (/rooms lists them). (ROOM_LIMIT)',
    );
    ws.send({ type: 'join', room: '#three', ref: 'j' });
    expect(await ws.waitForType('error')).toMatchObject({ code: 'ROOM_LIMIT', ref: 'j' });
    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    irc.send('JOIN #three,#two');
    await irc.waitFor(/^:irc\.test 405 ircer #three :The server already has 3 rooms/);
    await irc.waitFor((text) => text.includes(' 366 ircer #two '));
    expect(server.chat.roomCount).toBe(3);
  });

  it('throttles nickname changes per connection on every door', async () => {
    const server = await startTestServer({
      rooms: rooms({ nickChangesPerMinute: 1, nickChangeBurst: 2 }),
    });
    const line = await LineClient.join(server.port('line'), 'liner');
    line.send('/nick liner2');
    line.send('/nick liner3');
    line.send('/nick liner4');
    await line.waitFor(
      /^!!! You are changing nicknames too fast: try again in \d+ seconds\. \(NICK_RATE_LIMIT\)$/,
    );
    expect(server.chat.findMember('liner3')).toBeDefined();

    const irc = await IrcClient.register(server.port('irc'), 'ircer');
    irc.send('NICK ircer2');
    irc.send('NICK ircer3');
    irc.send('NICK ircer4');
    await irc.waitFor(
      /^:irc\.test 438 ircer3 ircer4 :You are changing nicknames too fast: try again in \d+ seconds\.$/,
    );

    const ws = await WsClient.join(server.port('http'), 'webber');
    for (const nick of ['webber2', 'webber3', 'webber4'])
      ws.send({ type: 'nick', nick, ref: nick });
    expect(await ws.waitForType('error')).toMatchObject({
      code: 'NICK_RATE_LIMIT',
      ref: 'webber4',
    });
    expect(server.chat.findMember('webber3')).toBeDefined();
  });
});

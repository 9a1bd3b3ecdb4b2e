import { describe, expect, it } from 'vitest';
import { LOCAL_CLOAK } from './helpers.js';
import { joinWebRoom, startModerationServer, webUsers } from './moderation-helpers.js';

/** Bans, mutes and the audit log through the WebSocket API (docs/websocket.md). */
describe('WebSocket sanctions', () => {
  it('ban, mute, unban, unmute and sanctions: mode events with the mask, whom, until when and why', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await webUsers(server.port('http'), ['alice', 'bob']);
    await joinWebRoom('#dev', [alice!, bob!]);
    const host = LOCAL_CLOAK;
    const at = Date.now();
    const [muted] = await alice!.ask({
      type: 'mute',
      room: '#dev',
      target: 'bob',
      duration: '10m',
      reason: 'flooding',
    });
    const mute = {
      mode: 'mute',
      on: true,
      mask: `*!*@${host}`,
      nick: 'bob',
      expiresAt: expect.any(Number),
      reason: 'flooding',
    };
    expect(muted).toEqual({ type: 'mode', room: '#dev', nick: 'alice', changes: [mute] });
    const expiresAt = (muted!.changes as Array<{ expiresAt: number }>)[0]!.expiresAt;
    expect(expiresAt - at).toBeGreaterThanOrEqual(600_000);
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(600_000);
    expect(
      await bob!.ask(
        { type: 'send', to: '#dev', text: 'hello?', ref: 's1' },
        { type: 'sanctions', room: '#dev', kind: 'mute' },
      ),
    ).toEqual([
      muted,
      {
        type: 'error',
        code: 'CANNOT_SEND',
        message: expect.stringMatching(/^You are muted in #dev for (10m|9m 59s)\.$/),
        ref: 's1',
      },
      {
        type: 'sanctions',
        room: '#dev',
        kind: 'mute',
        entries: [
          {
            room: '#dev',
            kind: 'mute',
            mask: `*!*@${host}`,
            setBy: 'alice',
            setAt: expect.any(Number),
            expiresAt,
            reason: 'flooding',
          },
        ],
      },
    ]);
    const unmuted = {
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ mode: 'mute', on: false, mask: `*!*@${host}` }],
    };
    expect(await alice!.ask({ type: 'unmute', room: '#dev', target: 'bob' })).toEqual([unmuted]);
    expect(await bob!.ask({ type: 'send', to: '#dev', text: 'thanks', ref: 's2' })).toEqual([
      unmuted,
      { type: 'ack', ref: 's2', id: expect.any(Number), to: '#dev' },
    ]);
    await alice!.ask();
    // A ban by nickname puts them out (a kick-ban) and keeps them out.
    const ban = {
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [{ mode: 'ban', on: true, mask: `*!*@${host}`, nick: 'bob', reason: 'spam' }],
    };
    const kick = {
      type: 'kick',
      room: '#dev',
      nick: 'alice',
      target: 'bob',
      reason: 'Banned: spam',
    };
    expect(await alice!.ask({ type: 'ban', room: '#dev', target: 'bob', reason: 'spam' })).toEqual([
      ban,
      kick,
    ]);
    expect(await bob!.ask({ type: 'join', room: '#dev', ref: 'j1' })).toEqual([
      ban,
      kick,
      { type: 'current-room', room: '#lobby' },
      { type: 'error', code: 'BANNED_FROM_ROOM', message: 'You are banned from #dev.', ref: 'j1' },
    ]);
    expect(await alice!.ask({ type: 'sanctions', room: '#dev', kind: 'ban' })).toEqual([
      {
        type: 'sanctions',
        room: '#dev',
        kind: 'ban',
        entries: [
          {
            room: '#dev',
            kind: 'ban',
            mask: `*!*@${host}`,
            setBy: 'alice',
            setAt: expect.any(Number),
            reason: 'spam',
          },
        ],
      },
    ]);
    expect(await alice!.ask({ type: 'unban', room: '#dev', target: 'bob' })).toEqual([
      {
        type: 'mode',
        room: '#dev',
        nick: 'alice',
        changes: [{ mode: 'ban', on: false, mask: `*!*@${host}` }],
      },
    ]);
    expect(await bob!.ask({ type: 'join', room: '#dev' })).toEqual([
      { type: 'join', room: '#dev', nick: 'bob' },
      {
        type: 'members',
        room: '#dev',
        nicks: ['alice', 'bob'],
        total: 2,
        roles: { alice: ['owner', 'op'] },
      },
      expect.objectContaining({ type: 'history', target: '#dev', reason: 'join' }),
      { type: 'current-room', room: '#dev' },
    ]);
    // Masks as given, completed; sanctions list empty again once lifted.
    expect(
      await alice!.ask(
        { type: 'ban', room: '#dev', target: 'x@y', duration: '1h' },
        { type: 'unban', room: '#dev', target: '*!x@y' },
        { type: 'sanctions', room: '#dev', kind: 'ban' },
      ),
    ).toEqual([
      { type: 'join', room: '#dev', nick: 'bob' },
      {
        type: 'mode',
        room: '#dev',
        nick: 'alice',
        changes: [{ mode: 'ban', on: true, mask: '*!x@y', expiresAt: expect.any(Number) }],
      },
      {
        type: 'mode',
        room: '#dev',
        nick: 'alice',
        changes: [{ mode: 'ban', on: false, mask: '*!x@y' }],
      },
      { type: 'sanctions', room: '#dev', kind: 'ban', entries: [] },
    ]);
    // Lifting what is not there is answered, so a request with a ref is never left hanging.
    expect(await alice!.ask({ type: 'unmute', room: '#dev', target: '*!x@y', ref: 'u1' })).toEqual([
      {
        type: 'error',
        code: 'NOT_SANCTIONED',
        message: '*!x@y is not muted in #dev.',
        ref: 'u1',
      },
    ]);
  });

  it('modlog: the newest entries first, as many as asked, to operators', async () => {
    const server = await startModerationServer();
    const [alice, bob] = await webUsers(server.port('http'), ['alice', 'bob']);
    await joinWebRoom('#dev', [alice!, bob!]);
    await alice!.ask(
      { type: 'mode', room: '#dev', changes: [{ mode: 'moderated', on: true }] },
      { type: 'kick', room: '#dev', nick: 'bob', reason: 'out' },
    );
    const entry = (action: string, target: string, reason = '') => ({
      id: expect.any(Number),
      room: '#dev',
      time: expect.any(Number),
      actor: 'alice',
      action,
      target,
      reason,
    });
    const [log] = await alice!.ask({ type: 'modlog', room: '#dev', limit: 2 });
    expect(log).toEqual({
      type: 'modlog',
      room: '#dev',
      entries: [entry('kick', 'bob', 'out'), entry('mode', '+moderated')],
    });
    const [all] = await alice!.ask({ type: 'modlog', room: '#dev' });
    expect(all).toEqual({
      type: 'modlog',
      room: '#dev',
      entries: [entry('kick', 'bob', 'out'), entry('mode', '+moderated'), entry('create', '#dev')],
    });
    expect(await bob!.ask({ type: 'modlog', room: '#dev', ref: 'l' })).toEqual([
      { type: 'mode', room: '#dev', nick: 'alice', changes: [{ mode: 'moderated', on: true }] },
      { type: 'kick', room: '#dev', nick: 'alice', target: 'bob', reason: 'out' },
      { type: 'current-room', room: '#lobby' },
      {
        type: 'error',
        code: 'NOT_ROOM_OPERATOR',
        message: 'You are not an operator of #dev.',
        ref: 'l',
      },
    ]);
    expect(await alice!.ask({ type: 'modlog', ref: 'all' })).toEqual([
      {
        type: 'error',
        code: 'NOT_ROOM_OPERATOR',
        message: "Only server operators may read every room's log; name a room.",
        ref: 'all',
      },
    ]);
  });
});

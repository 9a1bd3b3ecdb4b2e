import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { StoredMessage } from '../../core/history.js';
import { decodeClientMessage, textFrame, toServerMessage } from './codec.js';
import { RecentSends } from './recent-sends.js';

// ws's own framing, the reference ours must match; its ESM entry does not export Sender.
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; opcode: number; mask: boolean; readOnly: boolean; rsv1: boolean },
    ): Buffer[];
  };
};

describe('textFrame', () => {
  it.each([
    0, 1, 125, 126, 127, 65535, 65536, 70_000,
  ])('frames %i bytes exactly as ws does', (length) => {
    const text = 'é'.repeat(Math.floor(length / 2)) + 'x'.repeat(length % 2);
    const expected = Buffer.concat(
      Sender.frame(Buffer.from(text), {
        fin: true,
        opcode: 1,
        mask: false,
        readOnly: false,
        rsv1: false,
      }),
    );
    expect(textFrame(text).equals(expected)).toBe(true);
  });
});

describe('decodeClientMessage', () => {
  const ok: Array<[string, unknown]> = [
    ['{"type":"hello","nick":"alice"}', { type: 'hello', nick: 'alice' }],
    [
      '{"type":"hello","nick":"a","resume":[{"room":"#x","after":3}],"ref":"1"}',
      { type: 'hello', nick: 'a', resume: [{ room: '#x', after: 3 }], ref: '1' },
    ],
    [
      '{"type":"send","to":"#x","text":"hi","extra":true}',
      { type: 'send', to: '#x', text: 'hi', action: false },
    ],
    [
      '{"type":"send","to":"bob","text":"hi","action":true,"ref":"r"}',
      { type: 'send', to: 'bob', text: 'hi', action: true, ref: 'r' },
    ],
    ['{"type":"part","room":"#x"}', { type: 'part', room: '#x' }],
    ['{"type":"topic","room":"#x","topic":""}', { type: 'topic', room: '#x', topic: '' }],
    ['{"type":"rooms"}', { type: 'rooms' }],
    [
      '{"type":"history","target":"bob","before":9,"limit":5}',
      { type: 'history', target: 'bob', before: 9, limit: 5 },
    ],
    ['{"type":"resume","room":"#x","after":0}', { type: 'resume', room: '#x', after: 0 }],
    ['{"type":"quit"}', { type: 'quit' }],
  ];
  it.each(ok)('reads %s', (text, message) => {
    expect(decodeClientMessage(text)).toEqual({ ok: true, message });
  });

  const bad: Array<[string, string, string | undefined]> = [
    ['', 'JSON_INVALID', undefined],
    ['{', 'JSON_INVALID', undefined],
    ['"hello"', 'JSON_INVALID', undefined],
    ['[]', 'JSON_INVALID', undefined],
    ['{}', 'BAD_ARGUMENTS', undefined],
    ['{"type":7}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"nope","ref":"q"}', 'UNKNOWN_TYPE', 'q'],
    ['{"type":"hello","ref":"q"}', 'BAD_ARGUMENTS', 'q'],
    ['{"type":"hello","nick":"a","resume":{}}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"hello","nick":"a","resume":[{"room":"#x"}]}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"hello","nick":"a","resume":[null]}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"send","to":"#x"}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"send","to":"#x","text":"a","ref":""}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"history","target":"#x","limit":1e300}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"history","target":"#x","after":"3"}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"resume","room":"#x"}', 'BAD_ARGUMENTS', undefined],
    ['{"type":"part","room":"#x","reason":null}', 'BAD_ARGUMENTS', undefined],
  ];
  it.each(bad)('rejects %s with %s', (text, code, ref) => {
    const decoded = decodeClientMessage(text);
    expect(decoded.ok).toBe(false);
    if (!decoded.ok) {
      expect(decoded.error.code).toBe(code);
      expect(decoded.ref).toBe(ref);
    }
  });

  it('never echoes control characters of an unknown type', () => {
    const decoded = decodeClientMessage('{"type":"a\\u001bb"}');
    expect(!decoded.ok && decoded.error.message).toBe('There is no message type "a?b".');
  });
});

describe('toServerMessage', () => {
  it('leaves out what the session answers itself, and turns undefined into null', () => {
    expect(
      toServerMessage({
        type: 'sent',
        target: '#x',
        id: 1,
        from: 'alice',
        text: 'hi',
        action: false,
        time: 1,
      }),
    ).toBeUndefined();
    expect(toServerMessage({ type: 'away', nick: 'bob', message: undefined })).toEqual({
      type: 'away',
      nick: 'bob',
      message: null,
    });
    expect(toServerMessage({ type: 'current-room', room: undefined })).toEqual({
      type: 'current-room',
      room: null,
    });
    expect(
      toServerMessage({
        type: 'history',
        target: '#x',
        private: false,
        reason: 'join',
        messages: [],
        gap: undefined,
        more: false,
      }),
    ).toMatchObject({ gap: null });
  });

  it("leaves out IRC clients' tags, on messages and alone", () => {
    const tags = { '+typing': 'active' };
    const message = { id: 1, from: 'alice', text: 'hi', action: false, time: 1 };
    expect(toServerMessage({ type: 'message', room: '#x', ...message, tags })).toEqual({
      type: 'message',
      room: '#x',
      ...message,
    });
    expect(toServerMessage({ type: 'private', to: 'bob', ...message, tags })).toEqual({
      type: 'private',
      to: 'bob',
      ...message,
    });
    expect(
      toServerMessage({ type: 'tags', from: 'alice', to: '#x', private: false, tags }),
    ).toBeUndefined();
  });
});

describe('RecentSends', () => {
  const stored = (id: number): StoredMessage => ({
    id,
    target: '#x',
    sender: 'a',
    text: 't',
    action: false,
    time: id,
  });

  it('runs a ref once per nickname, waits on one in flight, forgets failures', async () => {
    const recent = new RecentSends();
    let runs = 0;
    const send = async () => stored(++runs);
    const [a, b] = await Promise.all([
      recent.once('alice', 'r1', send),
      recent.once('alice', 'r1', send),
    ]);
    expect([a.id, b.id, runs]).toEqual([1, 1, 1]);
    expect((await recent.once('bob', 'r1', send)).id).toBe(2);
    await expect(
      recent.once('alice', 'r2', () => Promise.reject(new Error('store down'))),
    ).rejects.toThrow('store down');
    expect((await recent.once('alice', 'r2', send)).id).toBe(3);
  });

  it('forgets refs after the time to live, and the oldest past the cap', async () => {
    let now = 0;
    const recent = new RecentSends({ ttlMs: 1000, maxEntries: 3, now: () => now });
    let runs = 0;
    const send = async () => stored(++runs);
    await recent.once('a', 'r1', send);
    now = 999;
    expect((await recent.once('a', 'r1', send)).id).toBe(1);
    now = 1000;
    expect((await recent.once('a', 'r1', send)).id).toBe(2);
    for (const ref of ['x', 'y', 'z']) await recent.once('a', ref, send);
    expect(recent.size).toBe(3);
    expect((await recent.once('a', 'r1', send)).id).toBe(6);
  });
});

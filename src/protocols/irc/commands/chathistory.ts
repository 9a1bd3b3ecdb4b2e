import { type HistoryPage, MAX_HISTORY_PAGE } from '../../../core/chat.js';
import { ChatError } from '../../../core/errors.js';
import type { StoredMessage } from '../../../core/history.js';
import { foldCase } from '../../../core/names.js';
import { parseMsgid, privateKey } from '../encode.js';
import type { IrcCommand, IrcContext } from './command.js';

/**
 * CHATHISTORY (IRCv3 draft/chathistory) over the durable history: LATEST, BEFORE, AFTER,
 * AROUND and BETWEEN, with msgid= and timestamp= references. Replies are a `chathistory`
 * batch, oldest message first.
 *
 * Every reference becomes bounds among message ids: what is before it (ids below `before`)
 * and what is after it (ids above `after`). A msgid is its own id on both sides; a timestamp
 * T has the messages said before T below it and those said after T above it (those said
 * within T's millisecond are neither). "Before", "after" and "around" are then the same
 * arithmetic for both kinds.
 */
export const chathistory: IrcCommand = {
  names: ['CHATHISTORY'],
  minParams: 3,
  async run(context, message) {
    const { replies } = context;
    const [sub = '', target = '', ...rest] = message.params;
    const subcommand = sub.toUpperCase();
    const invalid = (why: string) => replies.fail('CHATHISTORY', 'INVALID_PARAMS', subcommand, why);
    const shape = SHAPES[subcommand];
    if (shape === undefined) {
      invalid('Unknown or unsupported subcommand');
      return;
    }
    if (rest.length !== shape) {
      invalid('Wrong number of parameters');
      return;
    }
    const limit = parseLimit(rest.at(-1)!);
    if (limit === undefined) {
      invalid(`The limit must be a number from 1 to ${MAX_HISTORY_PAGE}`);
      return;
    }
    const key = target.startsWith('#') ? foldCase(target) : privateKey(replies.nick, target);
    const refs: Ref[] = [];
    for (const text of rest.slice(0, -1)) {
      const ref = parseRef(text, key, subcommand === 'LATEST');
      if (ref === undefined) {
        invalid(
          `Message references are * (LATEST only), timestamp= or msgid= of a message of ${target}`,
        );
        return;
      }
      refs.push(ref);
    }
    let messages: readonly StoredMessage[];
    let page: HistoryPage;
    try {
      const bounds: Array<Bounds | '*'> = [];
      for (const ref of refs) bounds.push(await boundsOf(context, target, ref));
      ({ page, messages } = await query(context, subcommand, target, bounds, limit));
    } catch (error) {
      if (
        error instanceof ChatError &&
        error.code !== 'STORE_FAILED' &&
        error.code !== 'INTERNAL_ERROR'
      ) {
        replies.fail(
          'CHATHISTORY',
          'INVALID_TARGET',
          subcommand,
          target,
          'You cannot read the history of that target',
        );
      } else {
        replies.fail(
          'CHATHISTORY',
          'MESSAGE_ERROR',
          subcommand,
          target,
          'History is unavailable right now',
        );
      }
      return;
    }
    replies.history({ name: page.target, isPrivate: page.isPrivate }, messages);
  },
};

/** How many params follow the target: references, then the limit. */
const SHAPES: Record<string, number> = { LATEST: 2, BEFORE: 2, AFTER: 2, AROUND: 2, BETWEEN: 3 };

function parseLimit(text: string): number | undefined {
  if (!/^\d{1,6}$/.test(text)) return undefined;
  const limit = Number(text);
  return limit >= 1 && limit <= MAX_HISTORY_PAGE ? limit : undefined;
}

type Ref = '*' | { id: number } | { time: number };

const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,3})?Z$/;

function parseRef(ref: string, key: string, starAllowed: boolean): Ref | undefined {
  if (ref === '*') return starAllowed ? '*' : undefined;
  if (ref.startsWith('msgid=')) {
    const id = parseMsgid(ref.slice('msgid='.length), key);
    return id === undefined ? undefined : { id };
  }
  if (ref.startsWith('timestamp=')) {
    const text = ref.slice('timestamp='.length);
    const time = Date.parse(text);
    return TIMESTAMP.test(text) && Number.isFinite(time) ? { time } : undefined;
  }
  return undefined;
}

interface Bounds {
  /** Ids below this are before the reference. */
  before: number;
  /** Ids above this are after it. */
  after: number;
}

async function boundsOf(
  { chat, member }: IrcContext,
  target: string,
  ref: Ref,
): Promise<Bounds | '*'> {
  if (ref === '*') return ref;
  if ('id' in ref) return { before: ref.id, after: ref.id };
  return {
    before: await chat.idAtTime(member, target, ref.time),
    after: (await chat.idAtTime(member, target, ref.time + 1)) - 1,
  };
}

async function query(
  { chat, member }: IrcContext,
  subcommand: string,
  target: string,
  refs: Array<Bounds | '*'>,
  limit: number,
): Promise<{ page: HistoryPage; messages: readonly StoredMessage[] }> {
  const [first = '*', second = '*'] = refs;
  const at = first === '*' ? { before: 1, after: 0 } : first;
  switch (subcommand) {
    case 'LATEST': {
      const page = await chat.readHistory(member, target, { limit });
      // "Latest, but nothing up to the reference": what a client missed since it last saw it.
      const messages = page.messages.filter((m) => m.id > at.after);
      return { page, messages };
    }
    case 'BEFORE': {
      const page = await chat.readHistory(member, target, { before: at.before, limit });
      return { page, messages: page.messages };
    }
    case 'AFTER': {
      const page = await chat.readHistory(member, target, { after: at.after, limit });
      return { page, messages: page.messages };
    }
    case 'AROUND': {
      // The referenced message (or those of the referenced millisecond) and the ones just
      // before, then the ones just after.
      const laterCount = Math.floor(limit / 2);
      const page = await chat.readHistory(member, target, {
        before: at.after + 1,
        limit: limit - laterCount,
      });
      const later =
        laterCount === 0
          ? []
          : (await chat.readHistory(member, target, { after: at.after, limit: laterCount }))
              .messages;
      return { page, messages: [...page.messages, ...later] };
    }
    default: {
      // BETWEEN: from the first reference towards the second, both excluded.
      const to = second === '*' ? { before: 1, after: 0 } : second;
      if (at.before <= to.before) {
        const page = await chat.readHistory(member, target, {
          after: at.after,
          before: to.before,
          limit,
        });
        return { page, messages: page.messages };
      }
      const page = await chat.readHistory(member, target, { before: at.before, limit });
      return { page, messages: page.messages.filter((m) => m.id > to.after) };
    }
  }
}

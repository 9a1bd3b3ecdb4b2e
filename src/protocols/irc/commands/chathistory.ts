import { type HistoryPage, MAX_HISTORY_PAGE } from '../../../core/chat.js';
import { ChatError } from '../../../core/errors.js';
import type { StoredMessage } from '../../../core/history.js';
import { foldCase } from '../../../core/names.js';
import { ENCODING_BITS } from '../caps.js';
import { historyLines, parseMsgid, privateKey } from '../encode.js';
import type { IrcCommand, IrcContext } from './command.js';

/**
 * CHATHISTORY (IRCv3 draft/chathistory) over the durable history: LATEST, BEFORE, AFTER,
 * AROUND and BETWEEN, with msgid references (MSGREFTYPES=msgid: the store is indexed by
 * message id, not by time). Replies are a `chathistory` batch, oldest message first.
 */
export const chathistory: IrcCommand = {
  names: ['CHATHISTORY'],
  minParams: 3,
  async run(context, message) {
    const { session } = context;
    const [sub = '', target = '', ...rest] = message.params;
    const subcommand = sub.toUpperCase();
    const invalid = (why: string) => session.fail('CHATHISTORY', 'INVALID_PARAMS', subcommand, why);
    const shape = SHAPES[subcommand];
    if (shape === undefined) {
      session.fail(
        'CHATHISTORY',
        'INVALID_PARAMS',
        subcommand,
        'Unknown or unsupported subcommand',
      );
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
    const key = target.startsWith('#') ? foldCase(target) : privateKey(session.nick, target);
    const refs: Array<number | '*'> = [];
    for (const ref of rest.slice(0, -1)) {
      const id = parseRef(ref, key, subcommand === 'LATEST');
      if (id === undefined) {
        invalid(`Message references are * (LATEST only) or msgid= of a message of ${target}`);
        return;
      }
      refs.push(id);
    }
    let messages: readonly StoredMessage[];
    let page: HistoryPage;
    try {
      ({ page, messages } = await query(context, subcommand, target, refs, limit));
    } catch (error) {
      if (
        error instanceof ChatError &&
        error.code !== 'STORE_FAILED' &&
        error.code !== 'INTERNAL_ERROR'
      ) {
        session.fail(
          'CHATHISTORY',
          'INVALID_TARGET',
          subcommand,
          target,
          'You cannot read the history of that target',
        );
      } else {
        session.fail(
          'CHATHISTORY',
          'MESSAGE_ERROR',
          subcommand,
          target,
          'History is unavailable right now',
        );
      }
      return;
    }
    session.inBatch('chathistory', [page.target], (batch) =>
      historyLines(
        messages,
        { name: page.target, isPrivate: page.isPrivate },
        session.nick,
        session.caps & ENCODING_BITS,
        session.door.host,
        batch,
      ),
    );
  },
};

/** How many params follow the target: references, then the limit. */
const SHAPES: Record<string, number> = { LATEST: 2, BEFORE: 2, AFTER: 2, AROUND: 2, BETWEEN: 3 };

function parseLimit(text: string): number | undefined {
  if (!/^\d{1,6}$/.test(text)) return undefined;
  const limit = Number(text);
  return limit >= 1 && limit <= MAX_HISTORY_PAGE ? limit : undefined;
}

function parseRef(ref: string, key: string, starAllowed: boolean): number | '*' | undefined {
  if (ref === '*') return starAllowed ? '*' : undefined;
  if (!ref.startsWith('msgid=')) return undefined;
  return parseMsgid(ref.slice('msgid='.length), key);
}

async function query(
  { chat, member }: IrcContext,
  subcommand: string,
  target: string,
  refs: Array<number | '*'>,
  limit: number,
): Promise<{ page: HistoryPage; messages: readonly StoredMessage[] }> {
  const [first, second] = refs;
  switch (subcommand) {
    case 'LATEST': {
      const page = await chat.readHistory(member, target, { limit });
      // "Latest, but nothing up to the reference": what a client missed since it last saw it.
      const messages = first === '*' ? page.messages : page.messages.filter((m) => m.id > first!);
      return { page, messages };
    }
    case 'BEFORE': {
      const page = await chat.readHistory(member, target, { before: first as number, limit });
      return { page, messages: page.messages };
    }
    case 'AFTER': {
      const page = await chat.readHistory(member, target, { after: first as number, limit });
      return { page, messages: page.messages };
    }
    case 'AROUND': {
      // The referenced message and those just before it, then those just after.
      const after = Math.floor(limit / 2);
      const page = await chat.readHistory(member, target, {
        before: (first as number) + 1,
        limit: limit - after,
      });
      const later =
        after === 0
          ? []
          : (await chat.readHistory(member, target, { after: first as number, limit: after }))
              .messages;
      return { page, messages: [...page.messages, ...later] };
    }
    default: {
      // BETWEEN: from the first reference towards the second, both excluded.
      const [from, to] = [first as number, second as number];
      if (from <= to) {
        const page = await chat.readHistory(member, target, { after: from, before: to, limit });
        return { page, messages: page.messages };
      }
      const page = await chat.readHistory(member, target, { before: from, limit });
      return { page, messages: page.messages.filter((m) => m.id > to) };
    }
  }
}

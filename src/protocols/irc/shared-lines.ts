import { actorOf } from '../../core/events.js';
import type { EncodingMemo, MessageRun } from '../../core/member.js';
import { EncodedRun, MemoSlot } from '../session.js';
import { encodeShared } from './encode.js';
import type { IrcUser } from './identity.js';
import { IrcEncodeError } from './message.js';
import type { SharedEvent } from './shown.js';

/** What IRC sessions share of one broadcast: who did it, and its bytes per variant. */
interface SharedLines {
  /** Looked up once per broadcast, by the first IRC recipient: for the masks. */
  actor: IrcUser;
  bytes: Array<Buffer | undefined>;
}

/** The memo key under which IRC sessions share a broadcast's encodings. */
const IRC_MEMO = new MemoSlot<SharedLines>('irc');
/** A run's lines one after another (LocalFanout.batch), by encoding variant. */
const IRC_RUN = new MemoSlot<Array<EncodedRun | undefined>>('irc run');

/** The session a broadcast is encoded for: whose masks, which server, where failures go. */
export interface SharedLinesSource {
  readonly host: string;
  userOf(nick: string): IrcUser;
  encodeFailed(error: IrcEncodeError): void;
}

/** An event every recipient with the same encoding variant is sent alike, encoded once. */
export function sharedBytes(
  source: SharedLinesSource,
  event: SharedEvent,
  memo: EncodingMemo,
  variant: number,
): Buffer {
  const shared =
    IRC_MEMO.peek(memo) ??
    IRC_MEMO.put(memo, { actor: source.userOf(actorOf(event) ?? '*'), bytes: [] });
  let bytes = shared.bytes[variant];
  if (!bytes) {
    try {
      bytes = Buffer.from(encodeShared(event, variant, shared.actor, source.host), 'utf8');
    } catch (error) {
      if (!(error instanceof IrcEncodeError)) throw error;
      source.encodeFailed(error);
      bytes = Buffer.alloc(0);
    }
    shared.bytes[variant] = bytes;
  }
  return bytes;
}

/** A run of room messages (Peer.deliverRun), each shown to anyone but its sender. */
export function sharedRun(source: SharedLinesSource, run: MessageRun, variant: number): EncodedRun {
  const runs = IRC_RUN.peek(run.memo) ?? IRC_RUN.put(run.memo, []);
  let encoded = runs[variant];
  if (!encoded) {
    encoded = new EncodedRun(
      run.events.map((event, i) =>
        sharedBytes(source, event as SharedEvent, run.memos[i]!, variant),
      ),
    );
    runs[variant] = encoded;
  }
  return encoded;
}

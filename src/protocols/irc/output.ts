import type { ChatError } from '../../core/errors.js';
import type { ChatEvent } from '../../core/events.js';
import { CAP_BATCH, ENCODING_BITS } from './caps.js';
import type { IrcReplies } from './commands/command.js';
import { type HistoryLineSource, historyLines, packWords } from './encode.js';
import { errorReply } from './errors.js';
import { type IrcUser, userMask } from './identity.js';
import { IrcEncodeError, type IrcMessage, serializeMessage } from './message.js';
import {
  RPL_ENDOFNAMES,
  RPL_NAMREPLY,
  RPL_NOTOPIC,
  RPL_TOPIC,
  RPL_TOPICWHOTIME,
} from './numerics.js';

/**
 * Where one client's output goes, and what the encoding of it depends on. The session is its
 * own target (one object per client, not a closure per method: an idle connection should
 * cost as little memory as possible); tests record instead.
 */
export interface IrcOutputTarget {
  readonly host: string;
  /** The nickname replies are addressed to: '*' until there is one. */
  replyNick(): string;
  capBits(): number;
  /** Whether the connection is going: nothing more is encoded for it. */
  outputClosed(): boolean;
  /** Lines, already encoded. */
  writeLines(lines: string): void;
  /** A line that could not be encoded safely (logged, not sent). */
  encodeFailed(error: IrcEncodeError): void;
  /** What the client is told of a caught error, after the operator's log has it. */
  noteError(error: unknown): ChatError;
  /** Who holds (or last held) a nickname, for masks in replays and 333 (see knownUser). */
  userOf(nick: string): IrcUser;
  caughtUp(): Promise<void>;
}

/**
 * One IRC client's replies, encoded: numerics, FAIL, batches and the multi-line answers
 * (topic, names, history). It writes through a target, a connection in the server and a
 * recording in tests, so the bytes tested are the bytes sent.
 */
export class IrcOutput implements IrcReplies {
  private batchCount = 0;

  constructor(private readonly target: IrcOutputTarget) {}

  get nick(): string {
    return this.target.replyNick();
  }

  private get host(): string {
    return this.target.host;
  }

  send(message: IrcMessage): void {
    this.write(() => serializeMessage(message, { fit: true }));
  }

  reply(numeric: string, ...params: string[]): void {
    this.send({
      source: this.host,
      command: numeric,
      params: [this.nick, ...params],
      trailing: true,
    });
  }

  replyPlain(numeric: string, ...params: string[]): void {
    this.send({ source: this.host, command: numeric, params: [this.nick, ...params] });
  }

  fail(command: string, code: string, ...contextAndText: string[]): void {
    this.send({
      source: this.host,
      command: 'FAIL',
      params: [command, code, ...contextAndText],
      trailing: true,
    });
  }

  /** Encodes and writes; lines that cannot be encoded safely are logged and dropped. */
  write(encode: () => string): void {
    if (this.target.outputClosed()) return;
    let lines: string;
    try {
      lines = encode();
    } catch (error) {
      if (!(error instanceof IrcEncodeError)) throw error;
      this.target.encodeFailed(error);
      return;
    }
    if (lines !== '') this.target.writeLines(lines);
  }

  /** Lines between BATCH +ref type ...params and BATCH -ref (when the client has batch). */
  batch(type: string, params: string[], body: (batch: string | undefined) => string): void {
    const batch = (this.target.capBits() & CAP_BATCH) !== 0 ? this.nextBatch() : undefined;
    this.write(() => {
      let out = '';
      if (batch) {
        out += serializeMessage({
          source: this.host,
          command: 'BATCH',
          params: [`+${batch}`, type, ...params],
        });
      }
      out += body(batch);
      if (batch) {
        out += serializeMessage({ source: this.host, command: 'BATCH', params: [`-${batch}`] });
      }
      return out;
    });
  }

  /** A batch reference unique on this connection. */
  private nextBatch(): string {
    this.batchCount += 1;
    return `b${this.batchCount.toString(36)}`;
  }

  history(
    target: { name: string; isPrivate: boolean },
    messages: readonly HistoryLineSource[],
  ): void {
    this.batch('chathistory', [target.name], (batch) =>
      historyLines(
        messages,
        target,
        this.nick,
        this.target.capBits() & ENCODING_BITS,
        (nick) => this.target.userOf(nick),
        batch,
      ),
    );
  }

  /** The core's history event (a join's replay) as `history` shows stored messages. */
  replay(event: Extract<ChatEvent, { type: 'history' }>): void {
    const messages = event.messages.map(({ id, from, text, action, time }) => ({
      id,
      sender: from,
      text,
      action,
      time,
    }));
    this.history({ name: event.target, isPrivate: event.private }, messages);
  }

  topic(room: string, topic: string, setBy: string | undefined, setAt: number | undefined): void {
    if (!topic) {
      this.reply(RPL_NOTOPIC, room, 'No topic is set');
      return;
    }
    this.reply(RPL_TOPIC, room, topic);
    if (setBy !== undefined && setAt !== undefined) {
      this.replyPlain(
        RPL_TOPICWHOTIME,
        room,
        userMask(setBy, this.target.userOf(setBy)),
        String(Math.floor(setAt / 1000)),
      );
    }
  }

  /** 353s and 366; the channel's symbol is "@" for a secret (+s) channel, else "=" (public). */
  names(room: string, nicks: readonly string[], secret = false): void {
    this.write(() => {
      const lines =
        nicks.length === 0
          ? []
          : packWords(nicks, (joined) => ({
              source: this.host,
              command: RPL_NAMREPLY,
              params: [this.nick, secret ? '@' : '=', room, joined],
              trailing: true,
            }));
      return (
        lines.join('') +
        serializeMessage({
          source: this.host,
          command: RPL_ENDOFNAMES,
          params: [this.nick, room, 'End of /NAMES list'],
          trailing: true,
        })
      );
    });
  }

  reportError(error: unknown, command: string, subject?: string): void {
    this.tell(this.target.noteError(error), command, subject);
  }

  /** Tells the client of an error (already logged) as its numeric. */
  tell(error: ChatError, command: string, subject?: string): void {
    // NOTICE never gets an automatic reply (RFC 2812, 3.3.2): not even for a failed store or
    // a bug, which the operator's log has (a client answering notices may be a bot, and
    // bots answering each other is what the rule is for).
    if (command === 'NOTICE') return;
    const { numeric, params } = errorReply(error, command, subject);
    this.reply(numeric, ...params);
  }

  caughtUp(): Promise<void> {
    return this.target.caughtUp();
  }
}

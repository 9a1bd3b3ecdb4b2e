import { foldCase } from '../core/names.js';
import {
  type ClientMessage,
  type HistoryMessage,
  MAX_RESUME_ROOMS,
  type ResumePoint,
  type ServerMessage,
} from '../protocols/ws/protocol.js';

/** What the catch-up needs from the client around it. */
export interface CatchUpHost {
  /** A fresh ref for a request the catch-up sends itself (the next page of a resume). */
  newRef(): string;
  /** Our nickname, to know our own joins. */
  ownNick(): string | undefined;
  /**
   * Whether a stored message is one of ours whose ack has not come yet: the server stored it
   * before the connection dropped, so a resume brings it back, but the user typed it and has
   * it on screen already (the resend only fetches its ack).
   */
  isUnackedOwn(room: string, message: HistoryMessage): boolean;
}

/** What to do with a message from the server: show these (in order), send those. */
export interface Outcome {
  show: ServerMessage[];
  send: ClientMessage[];
}

type History = Extract<ServerMessage, { type: 'history' }>;
type HistoryRequest = Extract<ClientMessage, { type: 'history' }>;
type Held = Extract<ServerMessage, { type: 'message' | 'ack' }>;

/** A resume asked for and not answered yet; an error with its ref means it failed. */
interface Awaited {
  key: string;
  room: string;
  ref: string;
}

/**
 * Keeps the client from missing anything, or showing anything twice, across reconnects.
 * It remembers per room the id of the newest message seen (live, replayed, our own by its
 * ack, or on joining a room the newest there, which it asks for); the client's hello after a
 * reconnect asks the server to resume those rooms from there. The server holds a room's live
 * messages back while it reads a resume's answer, but not around it: the hello puts us in the
 * lobby before resuming it, and a long absence is answered page by page, each page asked for
 * once the one before has come. So until a room's answer is complete, its live messages are
 * held back here, then let through without what the answer already showed.
 * Pure: fed server messages, it says what to show and what to ask for next.
 */
export class CatchUp {
  /** Per room (folded name): the id of the newest message seen there. */
  private readonly lastIds = new Map<string, number>();
  /** Our resumes not answered yet, in the order the server will answer them. */
  private awaiting: Awaited[] = [];
  /** Per room being resumed: its live messages and our acks, until the answer is complete. */
  private readonly held = new Map<string, Held[]>();
  /**
   * Per room: the history requests not answered yet, the user's and our probes, in the order
   * sent. The server answers in order and a page carries no ref, so this tells them apart.
   */
  private readonly asked = new Map<string, Array<{ ref: string; probe: boolean }>>();

  constructor(private readonly host: CatchUpHost) {}

  /** The newest message id seen in a room, if any. */
  lastId(room: string): number | undefined {
    return this.lastIds.get(foldCase(room));
  }

  /**
   * The resume points of a hello (sent with `ref`) for these rooms, in order: those where a
   * message was seen. Their live messages are held back from now until they are caught up;
   * the others have nothing to resume from and are simply joined again.
   */
  resumePoints(rooms: readonly string[], ref: string): ResumePoint[] {
    const points: ResumePoint[] = [];
    for (const room of rooms) {
      const after = this.lastId(room);
      if (after !== undefined) points.push({ room, after });
    }
    // A hello resumes at most so many; the last ones, the current room among them. The rest
    // are joined again instead, with their usual replay.
    const kept = points.slice(-MAX_RESUME_ROOMS);
    for (const point of kept) this.expect(point.room, ref);
    return kept;
  }

  /** The connection is gone: whatever was being resumed is asked for again next time. */
  disconnected(): void {
    this.awaiting = [];
    this.held.clear();
    this.asked.clear();
  }

  /** A history request of the user's: its answer is theirs to see, whatever we asked too. */
  userHistory(request: HistoryRequest): HistoryRequest {
    if (!request.target.startsWith('#')) return request;
    const ref = request.ref ?? this.host.newRef();
    this.ask(request.target, ref, false);
    return { ...request, ref };
  }

  receive(message: ServerMessage): Outcome {
    switch (message.type) {
      case 'message': {
        const held = this.held.get(foldCase(message.room));
        if (held) {
          held.push(message);
          return nothing();
        }
        return { show: this.live(message, true), send: [] };
      }
      case 'ack': {
        if (!message.to.startsWith('#')) return nothing();
        const held = this.held.get(foldCase(message.to));
        if (held) held.push(message);
        else this.see(foldCase(message.to), message.id);
        return nothing();
      }
      case 'join':
        return { show: [message], send: this.probe(message) };
      case 'history':
        return this.history(message);
      case 'error': {
        if (this.answered(message.ref)?.probe) return nothing();
        const index = this.awaiting.findIndex((awaited) => awaited.ref === message.ref);
        if (message.ref === null || index === -1) return { show: [message], send: [] };
        // The server answers in order, so an error with the ref is the oldest one's answer.
        const [{ key, room }] = this.awaiting.splice(index, 1) as [Awaited];
        const note = `Could not get what you missed in ${room}; to try again: /resume ${room} ${this.lastIds.get(key)}`;
        return { show: [message, { type: 'notice', text: note }, ...this.release(key)], send: [] };
      }
      default:
        return { show: [message], send: [] };
    }
  }

  private history(message: History): Outcome {
    const key = foldCase(message.target);
    if (message.private) return { show: [message], send: [] };
    const index = this.awaiting.findIndex((awaited) => awaited.key === key);
    if (message.reason === 'resume' && index !== -1) {
      this.awaiting.splice(index, 1);
      return this.caughtUp(message, key);
    }
    if (message.reason === 'request' && this.asked.get(key)?.shift()?.probe) {
      // The newest message there when we joined: a resume after a reconnect starts from it,
      // or from the start (0) in a room that had none.
      const last = message.messages.at(-1);
      if (last !== undefined) this.see(key, last.id);
      else if (!this.lastIds.has(key)) this.lastIds.set(key, 0);
      return nothing();
    }
    if (message.reason !== 'join') return { show: [message], send: [] };
    // Joining a room we were in before: its replay shows only what we have not seen.
    const fresh = this.unseen(message, key);
    return { show: fresh.length > 0 ? [{ ...message, messages: fresh }] : [], send: [] };
  }

  /** A page of what we missed in a room: shown if it brought anything new, or has a gap. */
  private caughtUp(message: History, key: string): Outcome {
    // Our own sends stored before the drop come back in the answer; they are on screen already.
    const acked = new Set(
      (this.held.get(key) ?? []).filter((held) => held.type === 'ack').map((ack) => ack.id),
    );
    const fresh = this.unseen(message, key).filter(
      (stored) => !acked.has(stored.id) && !this.host.isUnackedOwn(message.target, stored),
    );
    const show: ServerMessage[] =
      fresh.length > 0 || message.gap ? [{ ...message, messages: fresh, more: false }] : [];
    const last = message.messages.at(-1);
    if (message.more && last !== undefined) {
      // The user is not to type the next /resume: we ask for it, still holding the room back.
      const ref = this.host.newRef();
      this.expect(message.target, ref);
      return { show, send: [{ type: 'resume', room: message.target, after: last.id, ref }] };
    }
    return { show: [...show, ...this.release(key)], send: [] };
  }

  /** The messages of a replay not seen before; the newest is taken as seen. */
  private unseen(message: History, key: string): HistoryMessage[] {
    const last = this.lastIds.get(key);
    const fresh = message.messages.filter((stored) => last === undefined || stored.id > last);
    for (const stored of fresh) this.see(key, stored.id);
    return fresh;
  }

  /**
   * Our own join of a room where no message was seen: without an id there, a reconnect could
   * only join it again, and show no more of what was said meanwhile than its join replay
   * holds; so we ask for its newest message (the replay, if any, may tell first).
   */
  private probe(join: Extract<ServerMessage, { type: 'join' }>): ClientMessage[] {
    const nick = this.host.ownNick();
    if (nick === undefined || foldCase(nick) !== foldCase(join.nick)) return [];
    if (this.lastId(join.room) !== undefined) return [];
    const ref = this.host.newRef();
    this.ask(join.room, ref, true);
    return [{ type: 'history', target: join.room, limit: 1, ref }];
  }

  private ask(room: string, ref: string, probe: boolean): void {
    const key = foldCase(room);
    const asked = this.asked.get(key) ?? [];
    asked.push({ ref, probe });
    this.asked.set(key, asked);
  }

  /** The history request an error answers, taken off its room's list; none if not one. */
  private answered(ref: string | null): { ref: string; probe: boolean } | undefined {
    if (ref === null) return undefined;
    for (const asked of this.asked.values()) {
      const index = asked.findIndex((entry) => entry.ref === ref);
      if (index !== -1) return asked.splice(index, 1)[0];
    }
    return undefined;
  }

  private expect(room: string, ref: string): void {
    const key = foldCase(room);
    this.awaiting.push({ key, room, ref });
    if (!this.held.has(key)) this.held.set(key, []);
  }

  /** The room is caught up: what was held back goes through, without what was shown already. */
  private release(key: string): ServerMessage[] {
    const held = this.held.get(key) ?? [];
    this.held.delete(key);
    const show: ServerMessage[] = [];
    for (const message of held) {
      if (message.type === 'ack') this.see(key, message.id);
      else show.push(...this.live(message, false));
    }
    return show;
  }

  /** `fresh` is false for a message let through after being held back. */
  private live(message: Extract<ServerMessage, { type: 'message' }>, fresh: boolean) {
    const key = foldCase(message.room);
    const last = this.lastIds.get(key);
    if (!fresh && last !== undefined && message.id <= last) return []; // the catch-up showed it
    // A fresh live message is never one seen before: if its id is not above the last one, the
    // server has started counting again (it lost its history), and so do we.
    this.lastIds.set(key, message.id);
    return [message];
  }

  private see(key: string, id: number): void {
    const last = this.lastIds.get(key);
    if (last === undefined || id > last) this.lastIds.set(key, id);
  }
}

function nothing(): Outcome {
  return { show: [], send: [] };
}

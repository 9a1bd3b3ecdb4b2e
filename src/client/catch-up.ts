import { foldCase } from '../core/names.js';

/** What the catch-up needs from the client around it. */
export interface CatchUpHost {
  /** Shows a line to the user (uncoloured; the client colours it). */
  show(line: string): void;
  /** Sends a line to the server. */
  send(line: string): void;
  /** The current room, as the server's notices have said so far. */
  currentRoom(): string | undefined;
}

type Reason = 'join' | 'request' | 'resume' | 'search';

// The server's lines this follows, from src/protocols/text/render.ts and docs/protocols/line.md.
const LIVE = /^\[(?:(#\S+) )?@(\d+)\] ((?:<|\* )[\s\S]*)$/;
const LIVE_WITHOUT_ID = /^(?:\[(#\S+)\] )?(?:<|\* )/;
const SENT = /^\*\*\* Sent @(\d+) to (\S+)$/;
const IDS_ON = '*** Message ids are on.';
const GAP = /^\*\*\* Messages @\d+ to @\d+ of (.+) are no longer kept$/;
const HEADINGS: ReadonlyArray<[Reason, RegExp]> = [
  ['join', /^\*\*\* Last \d+ messages? in (.+) \(times UTC\):$/],
  ['request', /^\*\*\* History of (.+): \d+ messages? \(times UTC\):$/],
  ['resume', /^\*\*\* Missed in (.+): \d+ messages? \(times UTC\):$/],
  ['search', /^\*\*\* Found in (.+): \d+ messages? \(times UTC\):$/],
];
const NOTHING_MISSED = /^\*\*\* Nothing missed in (#\S+)$/;
const HISTORY_LINE = /^\[\S+ @(\d+) \d{4}-\d\d-\d\d \d\d:\d\d\] /;
const END = /^\*\*\* End of history of .+?(?: \(more: \/resume (#\S+) (\d+)\))?$/;
// What a failed /resume answers with (the rest are our own mistakes, which we do not make).
const RESUME_FAILED = /^!!! .* \((STORE_FAILED|INTERNAL_ERROR)\)$/;

/** A line held back while a room is caught up, with the room an unlabelled message was in. */
interface HeldLine {
  line: string;
  here: string | undefined;
}

/** The replay (history block) being read: from its heading to its end line. */
type Block =
  /** A join replay of a room being caught up: held back with the room's live lines. */
  | { mode: 'held'; key: string }
  /** Shown as it is: history, search results or a resume the user asked for. */
  | { mode: 'plain' }
  /**
   * A join replay or the answer to our /resume: lines already shown are dropped, and the heading and end line
   * are shown only around at least one new line (or a gap, which the user must hear about).
   */
  | {
      mode: 'catch-up';
      room: string;
      key: string;
      /** The answer to one of our own /resume requests. */
      ours: boolean;
      /** Heading (and gap) lines not shown yet: nothing new has come so far. */
      pending: string[];
      shownAny: boolean;
    };

/**
 * Keeps the client from missing anything, or showing anything twice, across reconnects.
 * With message ids on, it remembers per room the newest message seen; after a reconnect the
 * client asks the server for everything after it (/resume). Until that answer has come, a
 * room's lines are held back (the server's own join replay of its lobby among them, which
 * would otherwise overtake the answer), then let through with what the answer already showed
 * dropped. Live messages are shown without their ids, as if ids were off.
 */
export class CatchUp {
  /** Per room (folded name): the id of the newest message seen there. */
  private readonly lastIds = new Map<string, number>();
  /** Rooms being caught up: their lines, held back until our /resume has been answered. */
  private readonly holds = new Map<string, HeldLine[]>();
  /** Our /resume requests not answered yet, in the order sent. */
  private resumes: Array<{ key: string; room: string }> = [];
  private idsNoticesToHide = 0;
  private block: Block | undefined;
  private gapLine: string | undefined;

  constructor(private readonly host: CatchUpHost) {}

  /** The newest message id seen in a room, if any. */
  lastId(room: string): number | undefined {
    return this.lastIds.get(foldCase(room));
  }

  /** Turns message ids on for this connection (right after the welcome). */
  requestIds(): void {
    this.idsNoticesToHide++;
    this.host.send('/ids on');
  }

  /**
   * Starts holding back a room's lines, for a room about to be resumed; does nothing for one
   * with no message seen (which is simply joined again).
   */
  hold(room: string): void {
    const key = foldCase(room);
    if (this.lastIds.has(key) && !this.holds.has(key)) this.holds.set(key, []);
  }

  /** Asks for everything missed in a room (joining it if needed); false if we know no id there. */
  resume(room: string): boolean {
    const last = this.lastId(room);
    if (last === undefined) return false;
    this.hold(room);
    this.resumes.push({ key: foldCase(room), room });
    this.host.send(`/resume ${room} ${last}`);
    return true;
  }

  /** The connection is gone: whatever was held back is asked for again next time. */
  disconnected(): void {
    this.holds.clear();
    this.resumes = [];
    this.idsNoticesToHide = 0;
    this.block = undefined;
    this.gapLine = undefined;
  }

  /** A line from the server, after the client has followed it. */
  receive(line: string): void {
    this.process(line, this.host.currentRoom(), true);
  }

  /**
   * `here` is the room an unlabelled live message belongs to (the current room when it
   * arrived); `fresh` is false for a line let through after being held back.
   */
  private process(line: string, here: string | undefined, fresh: boolean): void {
    if (this.block) {
      this.continueBlock(line, here, fresh);
      return;
    }
    const gapLine = this.gapLine;
    this.gapLine = undefined;
    if (GAP.test(line)) {
      // The heading (or "Nothing missed") of the same replay comes next.
      this.gapLine = line;
      return;
    }
    for (const [reason, pattern] of HEADINGS) {
      const match = pattern.exec(line);
      if (match) {
        this.startBlock(reason, match[1]!, [...(gapLine ? [gapLine] : []), line], here);
        return;
      }
    }
    if (gapLine) this.host.show(gapLine);

    let match = NOTHING_MISSED.exec(line);
    if (match) {
      const key = foldCase(match[1]!);
      if (!this.answersOurResume(key)) {
        this.host.show(line);
        return;
      }
      if (gapLine) this.host.show(line);
      this.release(key);
      return;
    }
    match = LIVE.exec(line);
    if (match) {
      this.live(match[1] ?? here, Number(match[2]), match[3]!, line, here, fresh);
      return;
    }
    match = LIVE_WITHOUT_ID.exec(line);
    if (match) {
      // Sent before our /ids on took effect. In a room being caught up, the answer to our
      // /resume (which the server handles after /ids on) has it, with its id.
      const room = match[1] ?? here;
      if (room === undefined || !this.holds.has(foldCase(room))) this.host.show(line);
      return;
    }
    match = SENT.exec(line);
    if (match) {
      const key = foldCase(match[2]!);
      const held = this.holds.get(key);
      if (held) held.push({ line, here });
      else this.see(key, Number(match[1]));
      return;
    }
    if (line === IDS_ON && this.idsNoticesToHide > 0) {
      this.idsNoticesToHide--;
      return;
    }
    this.host.show(line);
    if (RESUME_FAILED.test(line) && this.resumes.length > 0) {
      // The server handles our requests in order, so this is the answer to the oldest one.
      const { key, room } = this.resumes.shift()!;
      this.host.show(
        `*** Could not get what you missed in ${room}; to try again: /resume ${room} ${this.lastIds.get(key)}`,
      );
      this.release(key);
    }
  }

  private live(
    room: string | undefined,
    id: number,
    body: string,
    line: string,
    here: string | undefined,
    fresh: boolean,
  ): void {
    if (room === undefined) {
      this.host.show(body);
      return;
    }
    const key = foldCase(room);
    const held = this.holds.get(key);
    if (held) {
      held.push({ line, here });
      return;
    }
    const last = this.lastIds.get(key);
    if (last !== undefined && id <= last && !fresh) return; // the catch-up showed it already
    // A fresh live message is never one seen before: if its id is not above the last one, the
    // server has started counting again (it lost its history), and so do we.
    this.lastIds.set(key, id);
    const current = this.host.currentRoom();
    const inCurrent = current !== undefined && foldCase(current) === key;
    this.host.show(inCurrent ? body : `[${room}] ${body}`);
  }

  private startBlock(
    reason: Reason,
    where: string,
    lines: string[],
    here: string | undefined,
  ): void {
    const key = where.startsWith('#') ? foldCase(where) : undefined;
    const ours = key !== undefined && reason === 'resume' && this.answersOurResume(key);
    // What the user asked for is shown whole, /resume included.
    if (key === undefined || (reason !== 'join' && !ours)) {
      for (const line of lines) this.host.show(line);
      this.block = { mode: 'plain' };
      return;
    }
    const held = this.holds.get(key);
    if (held && !ours) {
      for (const line of lines) held.push({ line, here });
      this.block = { mode: 'held', key };
      return;
    }
    const gap = lines.length > 1;
    if (gap) for (const line of lines) this.host.show(line);
    this.block = {
      mode: 'catch-up',
      room: where,
      key,
      ours,
      pending: gap ? [] : lines,
      shownAny: gap,
    };
  }

  private continueBlock(line: string, here: string | undefined, fresh: boolean): void {
    const block = this.block!;
    const end = END.exec(line);
    const historyLine = HISTORY_LINE.exec(line);
    if (block.mode === 'held') {
      this.holds.get(block.key)?.push({ line, here });
      if (end) this.block = undefined;
      return;
    }
    if (block.mode === 'plain') {
      this.host.show(line);
      if (end) this.block = undefined;
      return;
    }
    if (historyLine) {
      const id = Number(historyLine[1]);
      const last = this.lastIds.get(block.key);
      if (last !== undefined && id <= last) return;
      this.lastIds.set(block.key, id);
      this.showInBlock(block, line);
      return;
    }
    if (!end) {
      // Not a replay's line after all (the server never does this): the replay is over.
      this.block = undefined;
      this.process(line, here, fresh);
      return;
    }
    this.block = undefined;
    const more = end[1] !== undefined && block.ours ? end : undefined;
    if (block.shownAny) {
      this.host.show(more ? `*** End of history of ${block.room}` : line);
    }
    if (!block.ours) return;
    if (more) {
      // One page of many: ask for the next one, still holding the room's live lines back.
      this.resumes.push({ key: block.key, room: more[1]! });
      this.host.send(`/resume ${more[1]} ${more[2]}`);
      return;
    }
    this.release(block.key);
  }

  private showInBlock(block: Extract<Block, { mode: 'catch-up' }>, line: string): void {
    for (const pending of block.pending.splice(0)) this.host.show(pending);
    block.shownAny = true;
    this.host.show(line);
  }

  /** Whether a resume answer for this room is the one we asked for (and it is answered now). */
  private answersOurResume(key: string): boolean {
    const index = this.resumes.findIndex((resume) => resume.key === key);
    if (index === -1) return false;
    this.resumes.splice(index, 1);
    return true;
  }

  /** The room is caught up: what was held back goes through, without what was shown already. */
  private release(key: string): void {
    const held = this.holds.get(key);
    if (!held) return;
    this.holds.delete(key);
    for (const { line, here } of held) this.process(line, here, false);
  }

  private see(key: string, id: number): void {
    const last = this.lastIds.get(key);
    if (last === undefined || id > last) this.lastIds.set(key, id);
  }
}

/** Lines held while the first nickname or a room change is on its way; past this, refused. */
export const MAX_HELD_LINES = 100;

export interface HeldLinesHost {
  /** Whether what a line would mean is still being settled (the first nickname, say). */
  settling(): boolean;
  /** Handles a line as if it were typed now. */
  handle(line: string): void;
  /** The input ended. */
  end(): void;
  /** A line could not be held: the user is told it was not sent. */
  refuse(): void;
}

const END_OF_INPUT = Symbol('end of input');

/**
 * Lines typed (or piped in) while what they would mean is still being settled, held and let
 * go in order once it is: before the first nickname is taken, until the server has put the
 * client in a room; while a /join or /part is on its way, until the server has answered it
 * (a ping sent after it comes back after its answer), so a line typed after `/join #dev` goes
 * to #dev, as on the line door, where the server picks the room. The end of the input is held
 * too, so that piping ends the session only after its lines.
 */
export class HeldLines {
  private readonly lines: Array<string | typeof END_OF_INPUT> = [];
  /** The ping whose pong ends a room change; undefined when none is on its way. */
  private roomChange: string | undefined;

  constructor(private readonly host: HeldLinesHost) {}

  get size(): number {
    return this.lines.length;
  }

  /** Holds a typed line if it must wait; false if it may be handled now. */
  hold(line: string): boolean {
    return this.keep(line);
  }

  /** Holds the end of the input if lines wait before it; false if the session may end now. */
  holdEnd(): boolean {
    return this.keep(END_OF_INPUT);
  }

  /** A room change went out, followed by a ping with this ref: lines wait for its pong. */
  roomChangeSent(pingRef: string): void {
    this.roomChange = pingRef;
  }

  /** Whether this pong ends the room change lines wait for (and then lets them go). */
  pong(ref: string | null): boolean {
    if (ref === null || ref !== this.roomChange) return false;
    this.roomChange = undefined;
    this.release();
    return true;
  }

  /** The connection dropped: no answer will come; what waited meets the offline client. */
  dropped(): void {
    this.roomChange = undefined;
    this.release();
  }

  /** Lets held lines go, until one of them starts another room change. */
  release(): void {
    while (this.lines.length > 0 && this.roomChange === undefined && !this.host.settling()) {
      const line = this.lines.shift()!;
      if (line === END_OF_INPUT) this.host.end();
      else this.host.handle(line);
    }
  }

  private keep(line: string | typeof END_OF_INPUT): boolean {
    const waiting = this.host.settling() || this.roomChange !== undefined;
    if (!waiting && this.lines.length === 0) return false;
    if (this.lines.length < MAX_HELD_LINES) this.lines.push(line);
    else if (line !== END_OF_INPUT) this.host.refuse();
    return true;
  }
}

/**
 * The server's time now, as well as the client can tell. Notices the client makes itself
 * (errors, help, "not connected") have no server time; they answer something the user just
 * did, so they belong at the live end: after everything seen so far, before whatever the
 * server says next. Our own clock may be off, so it is corrected by the skew seen in the
 * last live event, and never goes earlier than the last server time seen.
 */
export class ServerClock {
  /** Server clock minus ours. */
  private skew = 0;
  private latest = 0;

  constructor(private readonly clientNow: () => number) {}

  now(): number {
    return this.at(this.clientNow());
  }

  /** The server's time at a moment of our clock. */
  at(clientTime: number): number {
    return Math.max(this.latest, clientTime + this.skew);
  }

  /** A live event's server time (or none, from an older server): returns the time to use. */
  heard(time: number | undefined): number {
    if (time === undefined) return this.now();
    this.skew = time - this.clientNow();
    this.latest = Math.max(this.latest, time);
    return time;
  }
}

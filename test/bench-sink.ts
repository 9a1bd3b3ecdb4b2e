import type { Sink } from '../bench/doors.js';

/** A load-generator sink that records what a benchmark door client reads, for its tests. */
export function recordingSink(): {
  sink: Sink;
  seen: string[];
  joined: Promise<void>;
  /** Lines that were not chat (notices, replies, PINGs) read so far. */
  notices: () => number;
} {
  const seen: string[] = [];
  let notices = 0;
  let markJoined!: () => void;
  const joined = new Promise<void>((resolve) => {
    markJoined = resolve;
  });
  const sink: Sink = {
    joined: markJoined,
    chat: (sender, buf, start, end) => seen.push(`${sender}:${buf.toString('utf8', start, end)}`),
    notice: () => {
      notices++;
    },
    error: (text) => seen.push(`error ${text}`),
    closed: () => seen.push('closed'),
  };
  return { sink, seen, joined, notices: () => notices };
}

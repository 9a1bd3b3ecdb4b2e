import type { Sink } from '../bench/doors.js';

/** A load-generator sink that records what a benchmark door client reads, for its tests. */
export function recordingSink(): { sink: Sink; seen: string[]; joined: Promise<void> } {
  const seen: string[] = [];
  let markJoined!: () => void;
  const joined = new Promise<void>((resolve) => {
    markJoined = resolve;
  });
  const sink: Sink = {
    joined: markJoined,
    chat: (sender, buf, start, end) => seen.push(`${sender}:${buf.toString('utf8', start, end)}`),
    notice: () => {},
    error: (text) => seen.push(`error ${text}`),
    closed: () => seen.push('closed'),
  };
  return { sink, seen, joined };
}

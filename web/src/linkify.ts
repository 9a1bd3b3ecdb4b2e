/** A piece of message text: plain, or a web address to make clickable. */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) only: a javascript: or data: "link" must stay text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that usually ends the sentence rather than the address.
const TRAILING = new Set(['.', ',', ';', ':', '!', '?', "'", '"', ']', '}', ')']);

export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    const address = trimTrailing(match[0]);
    let href: string;
    try {
      href = new URL(address).href;
    } catch {
      continue;
    }
    if (start > last) segments.push({ kind: 'text', text: text.slice(last, start) });
    segments.push({ kind: 'link', text: address, href });
    last = start + address.length;
  }
  if (last < text.length) segments.push({ kind: 'text', text: text.slice(last) });
  return segments;
}

/**
 * The address without the punctuation that ends the sentence. Brackets are counted once and
 * the counts kept as the end moves back: a message of thousands of ")" stays linear.
 */
function trimTrailing(address: string): string {
  let opens = 0;
  let closes = 0;
  for (const char of address) {
    if (char === '(') opens++;
    else if (char === ')') closes++;
  }
  let end = address.length;
  while (end > 0 && TRAILING.has(address[end - 1]!)) {
    // A closing parenthesis whose opening one is in the address belongs to it (Wikipedia).
    if (address[end - 1] === ')') {
      if (opens >= closes) break;
      closes--;
    }
    end--;
  }
  return address.slice(0, end);
}

/** A piece of message text: plain, or a web address to make clickable. */
export type Segment = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

// http(s) only: a javascript: or data: "link" must stay text.
const URL_PATTERN = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that usually ends the sentence rather than the address.
const TRAILING = /[.,;:!?'"\])}]+$/;

export function linkify(text: string): Segment[] {
  const segments: Segment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    let address = match[0];
    const start = match.index;
    const trailing = TRAILING.exec(address);
    // Keep a closing parenthesis that has its opening one inside (Wikipedia-style links).
    if (trailing && !(trailing[0] === ')' && address.includes('('))) {
      address = address.slice(0, -trailing[0].length);
    }
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

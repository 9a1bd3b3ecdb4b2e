import { foldCase } from '../../src/core/names.js';
import type { Conversation, Entry } from './conversation.js';
import { formatPieces, hexColours, type Run, styleClasses } from './format.js';
import { dividerBefore, groupedWithPrevious, mentions } from './reading.js';

/**
 * DOM building. Every piece of text from the server goes in through textContent or a text
 * node, never innerHTML: a message saying <script> is shown as those characters.
 */

export function element<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  text?: string,
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

export function byId<T extends HTMLElement>(id: string): T {
  const node = document.getElementById(id);
  if (!node) throw new Error(`#${id} is missing from index.html`);
  return node as T;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit' });
const dayFormat = new Intl.DateTimeFormat(undefined, {
  weekday: 'long',
  year: 'numeric',
  month: 'long',
  day: 'numeric',
});

function dayOf(time: number): string {
  const date = new Date(time);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

function timeElement(time: number): HTMLTimeElement {
  const node = element('time', 'time', timeFormat.format(time));
  const date = new Date(time);
  node.dateTime = date.toISOString();
  node.title = date.toLocaleString();
  return node;
}

function runElement(run: Run): Node {
  const classes = styleClasses(run.style);
  if (classes.length === 0) return document.createTextNode(run.text);
  const span = element('span', classes.join(' '), run.text);
  // Hex colours have no class: set through the CSSOM (which the page's CSP allows, unlike
  // style attributes in markup), as the custom properties the .fg/.bg rules read.
  const hex = hexColours(run.style);
  if (hex.fg) span.style.setProperty('--c', hex.fg);
  if (hex.bg) span.style.setProperty('--b', hex.bg);
  return span;
}

/**
 * Message text with IRC formatting as styled spans and web addresses as links that open in
 * a new tab, without an opener. Text only ever goes in as text nodes.
 */
export function richText(text: string, className = 'text'): HTMLSpanElement {
  const span = element('span', className);
  for (const piece of formatPieces(text)) {
    const runs = piece.runs.map(runElement);
    if (piece.kind === 'text') span.append(...runs);
    else {
      const link = element('a');
      link.append(...runs);
      link.href = piece.href;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      span.append(link);
    }
  }
  return span;
}

/** Everyone's name keeps one colour, in every conversation and every session. */
function nickHue(nick: string): number {
  const folded = foldCase(nick);
  let hash = 0;
  for (let i = 0; i < folded.length; i++) hash = (hash * 31 + folded.charCodeAt(i)) >>> 0;
  return hash % 360;
}

function entryElement(entry: Entry, myNick: string | undefined): HTMLLIElement {
  if (entry.kind === 'notice') {
    const item = element('li', entry.tone === 'error' ? 'notice error' : 'notice');
    item.append(timeElement(entry.time), ' ', richText(entry.text));
    return item;
  }
  const classes = ['message'];
  if (entry.action) classes.push('action');
  if (entry.id === undefined) classes.push(entry.failed ? 'failed' : 'pending');
  if (entry.from === myNick) classes.push('mine');
  else if (myNick !== undefined && mentions(entry.text, myNick)) classes.push('mention');
  const item = element('li', classes.join(' '));
  if (entry.id !== undefined) item.dataset.id = String(entry.id);
  const from = element('span', 'from', entry.action ? `* ${entry.from}` : entry.from);
  // Set through the CSSOM, which the page's Content-Security-Policy allows (a style
  // attribute in markup it would not).
  from.style.setProperty('--nick-hue', String(nickHue(entry.from)));
  // Real spaces between the parts, so copied text reads "10:02 alice hello".
  item.append(timeElement(entry.time), ' ', from, ' ', richText(entry.text));
  if (entry.failed) item.append(element('span', 'failure', `not sent: ${entry.failed}`));
  return item;
}

/**
 * Each entry's element, made once: a busy room re-renders often, and building every line
 * again each time would cost more the longer the conversation gets. Entries are replaced, not
 * changed, when they change (an ack gives a pending line its id), so the entry is the key;
 * the nickname is kept too, because it decides whether a line is marked as yours.
 */
const rendered = new WeakMap<Entry, { nick: string | undefined; item: HTMLLIElement }>();

function cachedEntryElement(entry: Entry, myNick: string | undefined): HTMLLIElement {
  const cached = rendered.get(entry);
  if (cached && cached.nick === myNick) return cached.item;
  const item = entryElement(entry, myNick);
  rendered.set(entry, { nick: myNick, item });
  return item;
}

function beginning(conversation: Conversation): string {
  return conversation.kind === 'private'
    ? `This is the beginning of your conversation with ${conversation.name}.`
    : `This is the beginning of ${conversation.name}.`;
}

/**
 * The conversation's lines, with a separator wherever the day changes, a "new messages"
 * line above the first unread one, and runs of one person's messages grouped.
 */
export function renderEntries(
  list: HTMLElement,
  conversation: Conversation | undefined,
  myNick: string | undefined,
): void {
  const fragment = document.createDocumentFragment();
  if (conversation) {
    if (conversation.historyComplete) {
      fragment.append(element('li', 'beginning', beginning(conversation)));
    } else if (conversation.loading?.direction === 'older') {
      fragment.append(element('li', 'beginning', 'Loading older messages…'));
    }
    const divider = dividerBefore(conversation.entries, conversation.marker, myNick);
    let day: string | undefined;
    let previous: Entry | undefined;
    for (const entry of conversation.entries) {
      const entryDay = dayOf(entry.time);
      let separated = false;
      if (entryDay !== day) {
        day = entryDay;
        const separator = element('li', 'day');
        separator.append(element('span', undefined, dayFormat.format(entry.time)));
        fragment.append(separator);
        separated = true;
      }
      if (entry === divider) {
        const line = element('li', 'divider');
        line.append(element('span', undefined, 'New messages'));
        fragment.append(line);
        separated = true;
      }
      const item = cachedEntryElement(entry, myNick);
      item.classList.toggle('grouped', !separated && groupedWithPrevious(previous, entry));
      fragment.append(item);
      previous = entry;
    }
    if (conversation.loading?.direction === 'newer') {
      fragment.append(element('li', 'beginning', 'Loading newer messages…'));
    }
  }
  list.replaceChildren(fragment);
}

export function tab(
  label: string,
  unread: number,
  active: boolean,
  onOpen: () => void,
  onClose?: () => void,
): HTMLLIElement {
  const item = element('li', active ? 'tab active' : 'tab');
  const open = element('button', 'open', label);
  open.type = 'button';
  if (active) open.setAttribute('aria-current', 'page');
  open.addEventListener('click', onOpen);
  item.append(open);
  if (unread > 0) {
    const badge = element('span', 'unread', unread > 99 ? '99+' : String(unread));
    badge.title = `${unread} unread`;
    item.append(badge);
  }
  if (onClose) {
    const close = element('button', 'close', '×');
    close.type = 'button';
    close.title = `Close ${label}`;
    close.setAttribute('aria-label', `Close ${label}`);
    close.addEventListener('click', onClose);
    item.append(close);
  }
  return item;
}

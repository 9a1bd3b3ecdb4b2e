import type { Conversation } from './conversation.js';

/** Near enough the top (px) to load older messages, or the bottom to follow new ones. */
export const EDGE = 48;

interface Anchor {
  item: Element;
  offset: number;
}

/**
 * Keeps the reader's place in the message list while it is redrawn: at the bottom when they
 * were there (following the live end), else on the line they were looking at, whatever went
 * in or out above or below it. Also tells when the reader reaches an end that has more.
 */
export class Scroller {
  private shown: string | undefined;
  /** Whether the reader was at the bottom at the last look. */
  private atBottom = true;

  constructor(
    private readonly list: HTMLElement,
    private readonly jump: HTMLButtonElement,
    private readonly reachedEnd: (end: 'older' | 'newer') => void,
    private readonly scrolled: () => void,
  ) {
    list.addEventListener('scroll', () => this.onScroll());
    // The list shrinks when the header gains a topic line, a banner shows, the composer grows
    // or a phone's keyboard opens: a reader at the bottom must stay there.
    new ResizeObserver(() => {
      if (this.atBottom) this.toBottom();
    }).observe(list);
  }

  private fromBottom(): number {
    return this.list.scrollHeight - this.list.scrollTop - this.list.clientHeight;
  }

  /** The first line at least partly in view, and where it is. */
  private anchor(): Anchor | undefined {
    const top = this.list.scrollTop;
    for (const item of this.list.children) {
      const element = item as HTMLElement;
      if (element.offsetTop + element.offsetHeight > top) {
        return { item, offset: element.offsetTop - top };
      }
    }
    return undefined;
  }

  /** Redraws through `draw`, then puts the reader back where they were. */
  redraw(conversation: Conversation | undefined, draw: () => void): void {
    const switched = conversation?.key !== this.shown;
    this.shown = conversation?.key;
    const anchor = switched ? undefined : this.anchor();
    draw();
    if (!conversation) return;
    if (switched || (conversation.following && conversation.liveEnd)) {
      this.list.scrollTop = this.list.scrollHeight;
      conversation.following = true;
    } else if (anchor?.item.isConnected) {
      this.list.scrollTop = (anchor.item as HTMLElement).offsetTop - anchor.offset;
    }
    this.atBottom = conversation.following && conversation.liveEnd;
    this.showJump(conversation);
    this.checkEnds(conversation);
  }

  private onScroll(): void {
    this.scrolled();
  }

  /** Called on scroll by the owner, with the conversation shown. */
  update(conversation: Conversation | undefined): void {
    if (!conversation) return;
    conversation.following = this.fromBottom() < EDGE;
    this.atBottom = conversation.following && conversation.liveEnd;
    this.showJump(conversation);
    this.checkEnds(conversation);
  }

  private showJump(conversation: Conversation): void {
    this.jump.hidden = conversation.liveEnd && this.fromBottom() < this.list.clientHeight;
  }

  private checkEnds(conversation: Conversation): void {
    if (this.list.scrollTop < EDGE && !conversation.historyComplete) this.reachedEnd('older');
    else if (this.fromBottom() < EDGE && !conversation.liveEnd) this.reachedEnd('newer');
  }

  toBottom(): void {
    this.list.scrollTop = this.list.scrollHeight;
  }
}

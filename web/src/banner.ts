import type { Status } from './connection.js';

/** "Reconnecting in 7 s…", counted down to the attempt; whole seconds, rounded up. */
export function reconnectText(detail: string, retryAt: number, now: number): string {
  const seconds = Math.max(0, Math.ceil((retryAt - now) / 1000));
  return seconds > 0 ? `${detail} Reconnecting in ${seconds} s…` : `${detail} Reconnecting…`;
}

/** The connection status: the dot in the sidebar and, while not online, the banner. */
export class StatusBanner {
  private ticker: ReturnType<typeof setInterval> | undefined;

  constructor(
    private readonly label: HTMLElement,
    private readonly banner: HTMLElement,
  ) {}

  show(status: Status, detail: string, retryAt?: number): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
    this.label.textContent = status;
    this.label.dataset.status = status;
    this.banner.hidden = status === 'online' || detail === '';
    if (retryAt === undefined) {
      this.banner.textContent = detail;
      return;
    }
    const tick = () => {
      this.banner.textContent = reconnectText(detail, retryAt, Date.now());
      if (Date.now() >= retryAt) clearInterval(this.ticker);
    };
    tick();
    // A quarter second: the number changes within a quarter second of the true one.
    this.ticker = setInterval(tick, 250);
  }
}

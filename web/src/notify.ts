import { plainText } from './format.js';

/**
 * Browser notifications for mentions and private messages while the page is hidden. The
 * permission is asked for only when the user presses the button (browsers ignore, or
 * hold against the site, a request made on load).
 */
export class Notifier {
  constructor(private readonly button: HTMLButtonElement) {
    button.addEventListener('click', () => {
      void Notification.requestPermission().then(() => this.refresh());
    });
    this.refresh();
  }

  /** The button shows only while there is something to ask. */
  refresh(): void {
    this.button.hidden = !('Notification' in window) || Notification.permission !== 'default';
  }

  notify(title: string, text: string, tag: string, onClick: () => void): void {
    if (!('Notification' in window) || Notification.permission !== 'granted') return;
    const notification = new Notification(title, { body: plainText(text), tag });
    notification.addEventListener('click', () => {
      window.focus();
      onClick();
      notification.close();
    });
  }
}

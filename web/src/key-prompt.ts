import { keepEscapeInside } from './action-dialog.js';
import { byId } from './view.js';

/**
 * Asks for a room's key when the server refused a join for the lack of one (BAD_ROOM_KEY),
 * and joins again with it; a wrong key asks again, saying so. Cancel (or Escape) gives up.
 */
export class KeyPrompt {
  private readonly dialog = byId<HTMLDialogElement>('key-dialog');
  private readonly title = byId<HTMLHeadingElement>('key-title');
  private readonly error = byId<HTMLParagraphElement>('key-error');
  private readonly input = byId<HTMLInputElement>('key-input');
  private room: string | undefined;

  constructor(join: (room: string, key: string) => void) {
    keepEscapeInside(this.dialog);
    byId<HTMLButtonElement>('key-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.room = undefined;
    });
    byId<HTMLFormElement>('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = this.input.value.trim();
      const room = this.room;
      if (!key || room === undefined) return;
      this.dialog.close();
      join(room, key);
    });
  }

  /** `wrongKey`: the key given last time did not open the room. */
  ask(room: string, wrongKey: boolean): void {
    if (this.dialog.open) this.dialog.close();
    this.room = room;
    this.title.textContent = `${room} needs a key`;
    this.error.textContent = wrongKey ? `That key does not open ${room}. Try again.` : '';
    this.input.value = '';
    this.dialog.showModal();
    this.input.focus();
  }
}

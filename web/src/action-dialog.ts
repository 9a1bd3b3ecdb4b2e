import type { ClientMessage } from '../../src/protocols/ws/protocol.js';
import { durationProblem } from './room-modes.js';
import { byId } from './view.js';

export type SanctionAction = 'kick' | 'ban' | 'mute';

const WORDING: Readonly<Record<SanctionAction, { title: string; button: string }>> = {
  kick: { title: 'Kick NICK from ROOM', button: 'Kick' },
  ban: { title: 'Ban NICK from ROOM', button: 'Ban' },
  mute: { title: 'Mute NICK in ROOM', button: 'Mute' },
};

/**
 * The dialog a kick, ban or mute is asked for in: a reason, and for bans and mutes a
 * duration (10m, 2h, 7d; none for until lifted), checked before anything is sent. A modal
 * <dialog>: focus stays inside it, Escape cancels, and focus goes back where it was.
 */
export class ActionDialog {
  private readonly dialog = byId<HTMLDialogElement>('action-dialog');
  private readonly form = byId<HTMLFormElement>('action-form');
  private readonly title = byId<HTMLHeadingElement>('action-title');
  private readonly durationField = byId<HTMLLabelElement>('action-duration-field');
  private readonly duration = byId<HTMLInputElement>('action-duration');
  private readonly reason = byId<HTMLInputElement>('action-reason');
  private readonly error = byId<HTMLParagraphElement>('action-error');
  private readonly submit = byId<HTMLButtonElement>('action-submit');
  private pending: { action: SanctionAction; room: string; nick: string } | undefined;
  private onClosed: (() => void) | undefined;

  constructor(private readonly send: (message: ClientMessage) => void) {
    keepEscapeInside(this.dialog);
    byId<HTMLButtonElement>('action-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.pending = undefined;
      const closed = this.onClosed;
      this.onClosed = undefined;
      closed?.();
    });
    this.duration.addEventListener('input', () => {
      this.error.textContent = '';
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.confirm();
    });
  }

  /** Asks for the reason (and duration) of `action` on `nick` in `room`; `closed` runs after. */
  show(action: SanctionAction, room: string, nick: string, closed: () => void): void {
    if (this.dialog.open) this.dialog.close();
    this.pending = { action, room, nick };
    const wording = WORDING[action];
    this.title.textContent = wording.title.replace('NICK', nick).replace('ROOM', room);
    this.submit.textContent = wording.button;
    this.durationField.hidden = action === 'kick';
    this.duration.value = '';
    this.reason.value = '';
    this.error.textContent = '';
    this.onClosed = closed;
    this.dialog.showModal();
    (action === 'kick' ? this.reason : this.duration).focus();
  }

  private confirm(): void {
    const pending = this.pending;
    if (!pending) return;
    const duration = this.duration.value.trim();
    const reason = this.reason.value.trim();
    const problem = pending.action === 'kick' ? undefined : durationProblem(duration);
    if (problem) {
      this.error.textContent = problem;
      this.duration.focus();
      return;
    }
    const { action, room, nick } = pending;
    const why = reason ? { reason } : {};
    if (action === 'kick') this.send({ type: 'kick', room, nick, ...why });
    else this.send({ type: action, room, target: nick, ...(duration ? { duration } : {}), ...why });
    this.dialog.close();
  }
}

/**
 * Escape closes the dialog it is pressed in (the browser's own cancel), and only that: the
 * page's other Escape handlers (the phone drawers) do not see it.
 */
export function keepEscapeInside(dialog: HTMLElement): void {
  dialog.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') event.stopPropagation();
  });
}

import { formatDuration } from '../../src/core/moderation/durations.js';
import { FLAG_MODES } from '../../src/core/moderation/mode-change.js';
import { foldCase } from '../../src/core/names.js';
import type { ClientMessage, Sanction, SanctionKind } from '../../src/protocols/ws/protocol.js';
import { keepEscapeInside } from './action-dialog.js';
import { actingRoles, mayModerate } from './permissions.js';
import { changesFrom, describeModes, formOf, type ModeForm } from './room-modes.js';
import type { ChatState } from './state.js';
import { byId, element } from './view.js';

/**
 * The room settings, for the open room's operators only (the button is hidden from everyone
 * else): its modes (topic lock, moderated, invite only, secret, no outside messages, key,
 * member limit) and the bans and mutes in force, each with a button that lifts it. Opening
 * asks the server for the modes and the lists (answers that fill the dialog, not shown as
 * lines); Save sends what changed as one `mode` request, whose outcome the room is told.
 * While nothing is edited, the form follows changes others make.
 */
export class RoomSettings {
  private readonly button = byId<HTMLButtonElement>('room-settings');
  private readonly dialog = byId<HTMLDialogElement>('settings-dialog');
  private readonly form = byId<HTMLFormElement>('settings-form');
  private readonly title = byId<HTMLHeadingElement>('settings-title');
  private readonly current = byId<HTMLParagraphElement>('settings-current');
  private readonly fields = byId<HTMLFieldSetElement>('settings-fields');
  private readonly error = byId<HTMLParagraphElement>('settings-error');
  private readonly sanctionList = byId<HTMLUListElement>('sanction-list');
  /** The room the open dialog is about. */
  private room: string | undefined;
  /** The user changed a field: the form no longer follows the room's modes. */
  private edited = false;
  private shownSanctions = '';

  constructor(
    private readonly state: ChatState,
    private readonly request: (message: ClientMessage) => boolean,
  ) {
    keepEscapeInside(this.dialog);
    this.button.addEventListener('click', () => this.open());
    byId<HTMLButtonElement>('settings-cancel').addEventListener('click', () => this.dialog.close());
    this.dialog.addEventListener('close', () => {
      this.room = undefined;
      this.button.focus();
    });
    this.form.addEventListener('input', () => {
      this.edited = true;
      this.error.textContent = '';
    });
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      this.save();
    });
  }

  /** The room whose settings the user may open now: the open room, if they moderate it. */
  private moderatedRoom(): string | undefined {
    const state = this.state;
    const conversation = state.active ? state.conversations.get(state.active) : undefined;
    if (conversation?.kind !== 'room' || !conversation.joined || state.myKey === undefined) {
      return undefined;
    }
    const mine = state.moderationOf(conversation.name).roles.get(state.myKey);
    return mayModerate(actingRoles(mine, state.serverOperator)) ? conversation.name : undefined;
  }

  /** Each redraw: the button for operators only; an open dialog follows its room. */
  render(): void {
    const room = this.moderatedRoom();
    this.button.hidden = room === undefined;
    if (room !== undefined) this.button.title = `Settings of ${room}`;
    if (this.room === undefined) return;
    if (room === undefined || foldCase(room) !== foldCase(this.room)) {
      this.dialog.close();
      return;
    }
    this.show(false);
  }

  private open(): void {
    const room = this.moderatedRoom();
    if (room === undefined) return;
    this.room = room;
    this.edited = false;
    this.shownSanctions = '';
    this.error.textContent = '';
    this.title.textContent = `Settings of ${room}`;
    const moderation = this.state.moderationOf(room);
    // Always asked afresh: what the client knows may be from before a reconnect.
    if (this.request({ type: 'mode', room })) moderation.quiet.modes++;
    for (const kind of ['ban', 'mute'] as const) {
      if (this.request({ type: 'sanctions', room, kind })) moderation.quiet[kind]++;
    }
    this.show(true);
    this.dialog.showModal();
    this.fields.querySelector('input')?.focus();
  }

  /** The form from the room's modes (unless edited), what they are now, and the lists. */
  private show(fresh: boolean): void {
    const moderation = this.state.moderationOf(this.room!);
    const modes = moderation.modes;
    this.fields.disabled = modes === undefined;
    const current =
      modes === undefined ? 'Asking the server for the modes…' : `Now: ${describeModes(modes)}`;
    // A live region: told again only when it changes.
    if (this.current.textContent !== current) this.current.textContent = current;
    if (modes !== undefined && (fresh || !this.edited)) {
      const form = formOf(modes);
      for (const flag of FLAG_MODES) this.input(flag).checked = form[flag];
      this.input('key').value = form.key;
      this.input('limit').value = form.limit;
    }
    this.showSanctions(moderation.sanctions);
  }

  private showSanctions(lists: Record<SanctionKind, Sanction[] | undefined>): void {
    const now = this.state.serverNow();
    const entries = (['ban', 'mute'] as const).flatMap((kind) =>
      (lists[kind] ?? []).filter((entry) => entry.expiresAt === undefined || entry.expiresAt > now),
    );
    const known = lists.ban !== undefined && lists.mute !== undefined;
    const shown = `${known} ${entries.map((e) => `${e.kind} ${e.mask} ${e.expiresAt}`).join(' ')}`;
    if (shown === this.shownSanctions) return;
    this.shownSanctions = shown;
    if (!known || entries.length === 0) {
      this.sanctionList.replaceChildren(
        element('li', 'hint', known ? 'None.' : 'Asking the server…'),
      );
      return;
    }
    this.sanctionList.replaceChildren(...entries.map((entry) => this.sanctionItem(entry, now)));
  }

  private sanctionItem(entry: Sanction, now: number): HTMLLIElement {
    const item = element('li', 'sanction');
    const left =
      entry.expiresAt === undefined
        ? 'until lifted'
        : `${formatDuration(entry.expiresAt - now)} left`;
    const what = entry.kind === 'ban' ? 'Ban' : 'Mute';
    const text = `${what} on ${entry.mask} by ${entry.setBy}, ${left}${entry.reason ? `: ${entry.reason}` : ''}`;
    const lift = element('button', 'secondary', 'Lift');
    lift.type = 'button';
    lift.setAttribute('aria-label', `Lift the ${entry.kind} on ${entry.mask}`);
    lift.addEventListener('click', () => {
      const room = this.room;
      if (room === undefined) return;
      this.request({ type: entry.kind === 'ban' ? 'unban' : 'unmute', room, target: entry.mask });
    });
    item.append(element('span', 'sanction-text', text), lift);
    return item;
  }

  private save(): void {
    const room = this.room;
    const modes = room === undefined ? undefined : this.state.moderationOf(room).modes;
    if (room === undefined || modes === undefined) return;
    const form: ModeForm = {
      ...formOf(modes),
      key: this.input('key').value,
      limit: this.input('limit').value,
    };
    for (const flag of FLAG_MODES) form[flag] = this.input(flag).checked;
    const wanted = changesFrom(modes, form);
    if ('error' in wanted) {
      this.error.textContent = wanted.error;
      return;
    }
    if (wanted.changes.length > 0) this.request({ type: 'mode', room, changes: wanted.changes });
    this.dialog.close();
  }

  private input(name: string): HTMLInputElement {
    return this.form.elements.namedItem(name) as HTMLInputElement;
  }
}

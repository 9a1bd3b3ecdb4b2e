import { foldCase } from '../../src/core/names.js';
import type { ClientMessage, RoleName } from '../../src/protocols/ws/protocol.js';
import { ActionDialog } from './action-dialog.js';
import {
  actingRoles,
  actionLabel,
  highestRole,
  type MemberAction,
  memberActions,
  ROLE_TITLES,
  roleChange,
} from './permissions.js';
import type { ChatState } from './state.js';
import { byId, element } from './view.js';

export interface MemberMenuHost {
  /** Sends a request (or says why it cannot). */
  request(message: ClientMessage): void;
  talkTo(nick: string): void;
}

type Item = { id: MemberAction | 'talk' | 'none'; label: string; run?: () => void };

/**
 * The menu a member of the list opens (click, Enter or Space on them): a private message,
 * and the moderation actions this user may take on that member in the open room, nothing
 * else (permissions.ts). Arrow keys, Home and End move through it; Escape or Tab closes it,
 * as does a click outside; focus goes back to the member. Kick, ban and mute ask for a reason
 * (and a duration) in a dialog first; the server's answer is shown as a line in the room.
 */
export class MemberMenu {
  private readonly popover = byId<HTMLDivElement>('member-menu');
  private readonly title = byId<HTMLParagraphElement>('member-menu-title');
  private readonly items = byId<HTMLDivElement>('member-menu-items');
  private readonly dialog: ActionDialog;
  private target: { room: string; nick: string; shown: string } | undefined;

  constructor(
    private readonly state: ChatState,
    private readonly host: MemberMenuHost,
  ) {
    this.dialog = new ActionDialog((message) => host.request(message));
    this.items.addEventListener('keydown', (event) => this.onKey(event));
    document.addEventListener(
      'pointerdown',
      (event) => {
        const inside = event.target instanceof Node && this.popover.contains(event.target);
        const onMember = event.target instanceof Element && event.target.closest('.member-button');
        if (this.target && !inside && !onMember) this.close(false);
      },
      true,
    );
  }

  get isOpen(): boolean {
    return this.target !== undefined;
  }

  /** Opens the menu for `nick` of `room` by the member's button (or closes it if open there). */
  toggle(room: string, nick: string, anchor: HTMLElement): void {
    if (this.target && foldCase(this.target.nick) === foldCase(nick)) {
      this.close(true);
      return;
    }
    this.close(false);
    this.target = { room, nick, shown: '' };
    this.title.textContent = this.titleFor(nick);
    this.fill();
    this.popover.hidden = false;
    anchor.setAttribute('aria-expanded', 'true');
    this.place(anchor);
    this.menuItems()[0]?.focus();
  }

  close(focusMember: boolean): void {
    const target = this.target;
    if (!target) return;
    this.target = undefined;
    this.popover.hidden = true;
    const member = this.memberButton(target.nick);
    member?.setAttribute('aria-expanded', 'false');
    if (focusMember) member?.focus();
  }

  /**
   * Roles or members changed: the open menu follows (its member's new badge, the actions now
   * allowed), and closes if its member or its room is gone from view.
   */
  refresh(): void {
    const target = this.target;
    if (!target) return;
    const conversation = this.state.active
      ? this.state.conversations.get(this.state.active)
      : undefined;
    const key = foldCase(target.nick);
    if (conversation?.key !== foldCase(target.room) || !conversation.members.has(key)) {
      this.close(false);
      return;
    }
    this.title.textContent = this.titleFor(target.nick);
    this.memberButton(target.nick)?.setAttribute('aria-expanded', 'true');
    this.fill();
  }

  private rolesOf(nick: string): readonly RoleName[] | undefined {
    return this.target ? this.state.moderationOf(this.target.room).roles.get(foldCase(nick)) : [];
  }

  private titleFor(nick: string): string {
    const role = highestRole(this.rolesOf(nick));
    return role === undefined ? nick : `${nick} · ${ROLE_TITLES[role]}`;
  }

  /** (Re)builds the items; unchanged ones are left alone, so focus stays where it is. */
  private fill(): void {
    const target = this.target!;
    const { room, nick } = target;
    const self = foldCase(nick) === this.state.myKey;
    const me = actingRoles(
      this.state.myKey === undefined ? undefined : this.rolesOf(this.state.myKey),
      this.state.serverOperator,
    );
    const items: Item[] = [];
    if (!self) items.push({ id: 'talk', label: 'Send a private message', run: () => this.talk() });
    for (const action of memberActions(me, this.rolesOf(nick), self)) {
      items.push({ id: action, label: actionLabel(action, self), run: () => this.act(action) });
    }
    if (items.length === 0) items.push({ id: 'none', label: 'This is you' });
    const shown = items.map((item) => item.id).join(' ');
    if (shown === target.shown) return;
    const focused = document.activeElement;
    const focusedId =
      focused instanceof HTMLElement && this.items.contains(focused) ? focused.dataset.action : '';
    target.shown = shown;
    this.items.replaceChildren(
      ...items.map((item) => {
        const button = element('button', 'menu-item', item.label);
        button.type = 'button';
        button.setAttribute('role', 'menuitem');
        button.tabIndex = -1;
        button.dataset.action = item.id;
        if (item.run) button.addEventListener('click', item.run);
        else button.setAttribute('aria-disabled', 'true');
        return button;
      }),
    );
    this.items.setAttribute('aria-label', `Actions for ${nick} in ${room}`);
    if (focusedId !== '') {
      const again = this.menuItems().find((item) => item.dataset.action === focusedId);
      (again ?? this.menuItems()[0])?.focus();
    }
  }

  private talk(): void {
    const nick = this.target!.nick;
    this.close(false);
    this.host.talkTo(nick);
  }

  private act(action: MemberAction): void {
    const { room, nick } = this.target!;
    const change = roleChange(action, nick);
    if (change) {
      this.host.request({ type: 'mode', room, changes: [change] });
      this.close(true);
      return;
    }
    this.close(false);
    this.dialog.show(action as 'kick' | 'ban' | 'mute', room, nick, () =>
      this.memberButton(nick)?.focus(),
    );
  }

  private onKey(event: KeyboardEvent): void {
    const items = this.menuItems();
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const targets: Record<string, number> = {
      ArrowDown: at + 1,
      ArrowUp: at < 0 ? -1 : at - 1,
      Home: 0,
      End: -1,
    };
    const index = targets[event.key];
    if (index !== undefined) {
      event.preventDefault();
      items[(index + items.length) % items.length]?.focus();
      return;
    }
    if (event.key === 'Escape' || event.key === 'Tab') {
      event.preventDefault();
      // The phone drawer the member list is in stays open: Escape closes the menu only.
      event.stopPropagation();
      this.close(true);
    }
  }

  private menuItems(): HTMLButtonElement[] {
    return [...this.items.querySelectorAll<HTMLButtonElement>('[role="menuitem"]')];
  }

  private memberButton(nick: string): HTMLButtonElement | null {
    return document.querySelector<HTMLButtonElement>(
      `#member-list button[data-nick="${CSS.escape(foldCase(nick))}"]`,
    );
  }

  /** Below the member (above when there is no room below), inside the window. */
  private place(anchor: HTMLElement): void {
    const margin = 8;
    const box = anchor.getBoundingClientRect();
    const { offsetWidth: width, offsetHeight: height } = this.popover;
    let top = box.bottom + 2;
    if (top + height > window.innerHeight - margin) top = Math.max(margin, box.top - height - 2);
    const left = Math.min(box.left, window.innerWidth - width - margin);
    this.popover.style.top = `${top}px`;
    this.popover.style.left = `${Math.max(margin, left)}px`;
  }
}

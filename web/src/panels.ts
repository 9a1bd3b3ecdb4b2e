import { foldCase } from '../../src/core/names.js';
import { badgeOf, sortMembers } from './permissions.js';
import type { ChatState } from './state.js';
import { byId, element, tab } from './view.js';

/** What a click in the panels asks for. */
export interface PanelActions {
  open(key: string): void;
  close(key: string): void;
  join(room: string): void;
  talkTo(nick: string): void;
  /** A member of the open room was clicked: their menu (member-menu.ts). */
  member(room: string, nick: string, button: HTMLButtonElement): void;
}

/**
 * Everything around the message list, drawn from the state: the header, the conversation
 * tabs (and the unread count in the page title), the rooms not joined, the member list.
 */
export class Panels {
  private readonly title = byId<HTMLHeadingElement>('title');
  private readonly topic = byId<HTMLParagraphElement>('topic');
  private readonly meLabel = byId<HTMLSpanElement>('me');
  private readonly composerInput = byId<HTMLTextAreaElement>('composer-input');
  private readonly roomTabs = byId<HTMLUListElement>('room-tabs');
  private readonly privateTabs = byId<HTMLUListElement>('private-tabs');
  private readonly otherRooms = byId<HTMLUListElement>('other-rooms');
  private readonly membersTitle = byId<HTMLSpanElement>('members-title');
  private readonly memberList = byId<HTMLUListElement>('member-list');

  constructor(
    private readonly state: ChatState,
    private readonly actions: PanelActions,
  ) {}

  renderHeader(): void {
    const state = this.state;
    const conversation = state.active ? state.conversations.get(state.active) : undefined;
    this.title.textContent = conversation?.name ?? state.serverName;
    this.topic.textContent = conversation?.kind === 'room' ? conversation.topic : '';
    this.meLabel.textContent = state.nick ?? '';
    this.composerInput.placeholder = conversation
      ? `Message ${conversation.name}  (/help for commands)`
      : 'Type /join #room';
  }

  renderTabs(): void {
    const state = this.state;
    const rooms: HTMLLIElement[] = [];
    const people: HTMLLIElement[] = [];
    let unread = 0;
    for (const conversation of state.conversations.values()) {
      unread += conversation.unread;
      const item = tab(
        conversation.name,
        conversation.unread,
        conversation.key === state.active,
        () => this.actions.open(conversation.key),
        () => this.actions.close(conversation.key),
      );
      if (conversation.kind === 'room' && !conversation.joined) item.classList.add('parted');
      (conversation.kind === 'room' ? rooms : people).push(item);
    }
    this.roomTabs.replaceChildren(...rooms);
    this.privateTabs.replaceChildren(...people);
    document.title = unread > 0 ? `(${unread}) ${state.serverName}` : state.serverName;
  }

  renderOtherRooms(): void {
    const state = this.state;
    const items = state.allRooms
      .filter((room) => !state.conversations.get(foldCase(room.name))?.joined)
      .map((room) => {
        const item = element('li', 'tab');
        const join = element('button', 'open', `${room.name} (${room.members})`);
        join.type = 'button';
        join.title = room.topic || `Join ${room.name}`;
        join.addEventListener('click', () => this.actions.join(room.name));
        item.append(join);
        return item;
      });
    this.otherRooms.replaceChildren(...items);
  }

  renderMembers(): void {
    const state = this.state;
    const conversation = state.active ? state.conversations.get(state.active) : undefined;
    if (!conversation || conversation.kind === 'private') {
      this.membersTitle.textContent = conversation ? 'Private conversation' : 'Members';
      this.memberList.replaceChildren(
        ...(conversation ? [element('li', 'member', conversation.name)] : []),
      );
      return;
    }
    const { roles } = state.moderationOf(conversation.name);
    const nicks = sortMembers(conversation.members.values(), (nick) => roles.get(foldCase(nick)));
    const hidden = conversation.memberTotal - nicks.length;
    this.membersTitle.textContent = `${conversation.memberTotal} in ${conversation.name}`;
    const items = nicks.map((nick) => {
      const item = element('li', 'member');
      const button = element('button', 'open member-button');
      button.type = 'button';
      button.dataset.nick = foldCase(nick);
      button.setAttribute('aria-haspopup', 'menu');
      button.setAttribute('aria-expanded', 'false');
      const badge = badgeOf(roles.get(foldCase(nick)));
      const role = element('span', 'role', badge?.text ?? '');
      if (badge) {
        role.title = badge.title;
        role.classList.add(`role-${badge.title}`);
      }
      role.setAttribute('aria-hidden', 'true');
      button.append(role, element('span', 'nick', nick));
      const away = state.away.get(foldCase(nick));
      const who = badge ? `${nick}, ${badge.title}` : nick;
      button.title = away === undefined ? who : `${who}; away: ${away}`;
      button.setAttribute('aria-label', button.title);
      if (away !== undefined) item.classList.add('away');
      button.addEventListener('click', () => this.actions.member(conversation.name, nick, button));
      item.append(button);
      return item;
    });
    if (hidden > 0) items.push(element('li', 'member more', `and ${hidden} more`));
    // Redrawn on every change of members or roles: keyboard focus stays on its member.
    const focused = document.activeElement;
    const focusedNick =
      focused instanceof HTMLElement && this.memberList.contains(focused)
        ? focused.dataset.nick
        : undefined;
    this.memberList.replaceChildren(...items);
    if (focusedNick !== undefined) {
      this.memberList
        .querySelector<HTMLElement>(`[data-nick="${CSS.escape(focusedNick)}"]`)
        ?.focus();
    }
  }
}

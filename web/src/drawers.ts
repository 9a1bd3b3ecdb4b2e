import { byId } from './view.js';

/**
 * On narrow screens the conversation list and the member list are drawers over the
 * messages: opened by the top bar's buttons, closed by their × or a tap on the backdrop.
 */
export function setUpDrawers(app: HTMLElement): { close(): void } {
  const close = () => app.classList.remove('show-sidebar', 'show-members');
  const toggle = (open: string, other: string) => {
    app.classList.toggle(open);
    app.classList.remove(other);
  };
  byId<HTMLButtonElement>('toggle-sidebar').addEventListener('click', () =>
    toggle('show-sidebar', 'show-members'),
  );
  byId<HTMLButtonElement>('toggle-members').addEventListener('click', () =>
    toggle('show-members', 'show-sidebar'),
  );
  byId<HTMLButtonElement>('close-sidebar').addEventListener('click', close);
  byId<HTMLButtonElement>('close-members').addEventListener('click', close);
  byId<HTMLDivElement>('backdrop').addEventListener('click', close);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') close();
  });
  return { close };
}

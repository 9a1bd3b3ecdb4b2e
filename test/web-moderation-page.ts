import type { Page } from 'playwright-core';
import { say } from './web-browser.js';

/** What the moderation tests do on a chat page: the member list, its menu, the dialogs. */

/** Joins (or creates) the room and waits until it is the open conversation. */
export async function enter(page: Page, room: string): Promise<void> {
  await say(page, `/join ${room}`);
  await page.locator('#room-tabs .tab.active', { hasText: room }).waitFor();
}

export function member(page: Page, nick: string) {
  return page.locator(`#member-list button[data-nick="${nick.toLowerCase()}"]`);
}

/** The badge shown before a member's name ('' for none). */
export function badge(page: Page, nick: string) {
  return member(page, nick).locator('.role');
}

/** The member list's names, top to bottom, with their badges. */
export function listed(page: Page): Promise<string[]> {
  return page
    .locator('#member-list .member-button')
    .evaluateAll((buttons) => buttons.map((button) => button.textContent ?? ''));
}

export function noticeMatching(page: Page, text: RegExp) {
  return page.locator('#messages li.notice', { hasText: text });
}

/**
 * Two pages act in turn here: the one about to be clicked comes to the front first, as a
 * user's would (Playwright's clicks wait for animation frames, which a background tab gets
 * about once a second).
 */
export function front(page: Page): Promise<void> {
  return page.bringToFront();
}

export async function openMenu(page: Page, nick: string): Promise<void> {
  await front(page);
  await member(page, nick).click();
  await page.locator('#member-menu').waitFor({ state: 'visible' });
}

export function menuItems(page: Page): Promise<string[]> {
  return page
    .locator('#member-menu-items [role="menuitem"]')
    .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
}

export async function chooseInMenu(page: Page, nick: string, item: string): Promise<void> {
  await openMenu(page, nick);
  await page.locator('#member-menu-items [role="menuitem"]', { hasText: item }).click();
}

/** Kick, ban or mute through the member menu and its dialog. */
export async function sanction(
  page: Page,
  nick: string,
  action: 'Kick' | 'Ban' | 'Mute',
  options: { duration?: string; reason?: string } = {},
): Promise<void> {
  await chooseInMenu(page, nick, `${action}…`);
  const dialog = page.locator('#action-dialog');
  await dialog.waitFor({ state: 'visible' });
  if (options.duration !== undefined) await page.fill('#action-duration', options.duration);
  if (options.reason !== undefined) await page.fill('#action-reason', options.reason);
  await page.click('#action-submit');
  await dialog.waitFor({ state: 'hidden' });
}

/** A field of the room settings form. */
export function setting(page: Page, name: string) {
  return page.locator(`#settings-form [name="${name}"]`);
}

/** Opens the room settings and waits for the modes the server answered with. */
export async function openSettings(page: Page): Promise<void> {
  await front(page);
  await page.click('#room-settings');
  await page.locator('#settings-dialog').waitFor({ state: 'visible' });
  await page.locator('#settings-current', { hasText: /^Now: / }).waitFor();
}

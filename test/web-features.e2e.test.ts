import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { IrcClient, LineClient } from './helpers.js';
import {
  browserForThisFile,
  login,
  messageLine,
  notice,
  online,
  problemsOf,
  say,
  shot,
} from './web-browser.js';

/** What a chat page is expected to do, in a real Chromium against a real server. */

const browser = browserForThisFile();

/** A colour as the browser paints it, as [r, g, b] (whatever notation it computes). */
async function paintedColour(
  page: Page,
  selector: string,
  property: 'color' | 'backgroundColor',
): Promise<number[]> {
  // Runs in the page (the tests are type-checked without the DOM library, hence a string).
  const painted = await page.evaluate(`(() => {
    const node = document.querySelector(${JSON.stringify(selector)});
    const context = document.createElement('canvas').getContext('2d');
    context.fillStyle = getComputedStyle(node)[${JSON.stringify(property)}];
    context.fillRect(0, 0, 1, 1);
    return Array.from(context.getImageData(0, 0, 1, 1).data.slice(0, 3));
  })()`);
  return painted as number[];
}

/** WCAG relative luminance, 0 (black) to 1 (white). */
function luminance([r, g, b]: number[]): number {
  const linear = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!);
}

function contrast(a: number[], b: number[]): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light! + 0.05) / (dark! + 0.05);
}

describe('web client: chat page features', () => {
  it('shows IRC formatting as styled text, controls stripped, links working, readable in both themes', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const carol = await IrcClient.register(server.port('irc'), 'carol');
    await carol.join('#lobby');
    carol.send(
      'PRIVMSG #lobby :\x02bold\x02 \x0304,01red on black\x03 \x1ditalic\x1d \x1funder\x1f ' +
        'see \x02https://example.com/x\x02y ok\x07bell \x04ff8800hex\x04 \x0301black\x03 \x0308yellow',
    );
    const line = messageLine(alice, 'red on black');
    await line.waitFor();
    const text = line.locator('.text');
    expect(await text.textContent()).toBe(
      'bold red on black italic under see https://example.com/xy okbell hex black yellow',
    );
    expect(await text.locator('span.b', { hasText: 'bold' }).count()).toBe(1);
    expect(await text.locator('span.fg.fg-4.bg.bg-1', { hasText: 'red on black' }).count()).toBe(1);
    expect(await text.locator('span.i', { hasText: 'italic' }).count()).toBe(1);
    expect(await text.locator('span.u', { hasText: 'under' }).count()).toBe(1);
    // The link spans its bold part and the plain rest, and goes where it says.
    const link = text.locator('a');
    expect(await link.getAttribute('href')).toBe('https://example.com/xy');
    expect(await link.textContent()).toBe('https://example.com/xy');
    expect(await link.locator('span.b').textContent()).toBe('https://example.com/x');
    const hex = text.locator('span.fg', { hasText: 'hex' });
    expect(await hex.evaluate((node) => node.style.getPropertyValue('--c'))).toBe('#ff8800');

    const page = [255, 255, 255];
    expect(contrast(await paintedColour(alice, '.text .fg-8', 'color'), page)).toBeGreaterThan(3);
    await shot(alice, 'irc-formatting-light');
    await alice.emulateMedia({ colorScheme: 'dark' });
    const dark = await paintedColour(alice, '#messages', 'backgroundColor');
    expect(contrast(await paintedColour(alice, '.text .fg-1', 'color'), dark)).toBeGreaterThan(3);
    // A pair chosen by the sender is kept as sent.
    expect(await paintedColour(alice, '.text .bg-1', 'backgroundColor')).toEqual([0, 0, 0]);
    await shot(alice, 'irc-formatting-dark');
    expect(problemsOf(alice)).toEqual([]);
    await alice.close();
  });

  it('shows the last message whole above the composer on first load', async () => {
    const server = await browser.serve({ historyOnJoin: 60 });
    const carol = await LineClient.join(server.port('line'), 'carol');
    // A topic: the header grows a line once it is shown, which must not push the end out.
    carol.send('/topic Release on Friday, and the notes are in the wiki');
    carol.send('/ids on');
    for (let i = 1; i <= 60; i++) carol.send(`line ${i}`);
    await carol.waitFor('*** Sent @60 to #lobby', 10_000);
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const last = messageLine(alice, 'line 60');
    await last.waitFor();
    await expect
      .poll(async () => {
        const bottom = await last.evaluate((node) => node.getBoundingClientRect().bottom);
        const listBottom = await alice
          .locator('#messages')
          .evaluate((node) => node.getBoundingClientRect().bottom);
        return bottom <= listBottom + 0.5;
      })
      .toBe(true);
    const composerTop = await alice
      .locator('#composer')
      .evaluate((node) => node.getBoundingClientRect().top);
    expect(await last.evaluate((node) => node.getBoundingClientRect().bottom)).toBeLessThanOrEqual(
      composerTop,
    );
    await alice.close();
  });

  it('counts the reconnect banner down', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    await server.stop();
    // Attempts back off: wait for a pause of a few seconds, then see it count.
    const banner = alice.locator('#banner');
    await banner.filter({ hasText: /Reconnecting in [3-9] s/ }).waitFor({ timeout: 30_000 });
    const first = Number(/in (\d+) s/.exec((await banner.textContent()) ?? '')![1]);
    await banner.filter({ hasText: `Reconnecting in ${first - 1} s…` }).waitFor({ timeout: 5_000 });
    await shot(alice, 'reconnecting');
    await alice.close();
  });

  it('sends several lines as several messages, asking first above five', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    const input = alice.locator('#composer-input');
    await input.click();
    await alice.keyboard.type('first');
    await alice.keyboard.press('Shift+Enter');
    await alice.keyboard.type('second');
    expect(await input.inputValue()).toBe('first\nsecond');
    await alice.keyboard.press('Enter');
    await bob.waitFor('<alice> first');
    await bob.waitFor('<alice> second');
    expect(await input.inputValue()).toBe('');

    // Seven pasted lines: asked first; refused, they stay in the box.
    const seven = Array.from({ length: 7 }, (_, i) => `pasted ${i + 1}`).join('\n');
    await input.fill(seven);
    const asked = alice.waitForEvent('dialog');
    // The key press lasts as long as the question is open.
    const pressing = input.press('Enter');
    const dialog = await asked;
    expect(dialog.message()).toBe('Send these 7 lines as 7 messages?');
    await dialog.dismiss();
    await pressing;
    expect(await input.inputValue()).toBe(seven);
    alice.once('dialog', (again) => void again.accept());
    await input.press('Enter');
    for (let i = 1; i <= 7; i++) await bob.waitFor(`<alice> pasted ${i}`);
    // A pasted line starting with "/" is text, not a command.
    await input.fill('look:\n/quit now');
    await input.press('Enter');
    await bob.waitFor('<alice> /quit now');
    await online(alice);
    await alice.close();
  });

  it('groups one person’s lines, highlights mentions, and says whose private conversation it is', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const bob = await LineClient.join(server.port('line'), 'bob');
    await notice(alice, 'bob joined').waitFor();
    bob.send('first of two');
    bob.send('second of two');
    bob.send('hey ALICE, look');
    bob.send('malice is not a mention');
    await messageLine(alice, 'malice').waitFor();
    expect(await messageLine(alice, 'first of two').getAttribute('class')).not.toContain('grouped');
    expect(await messageLine(alice, 'second of two').getAttribute('class')).toContain('grouped');
    expect(await messageLine(alice, 'hey ALICE').getAttribute('class')).toContain('mention');
    expect(await messageLine(alice, 'malice').getAttribute('class')).not.toContain('mention');
    await shot(alice, 'grouped-and-mention');

    await say(alice, '/msg netty');
    await alice
      .locator('#messages .beginning', {
        hasText: 'This is the beginning of your conversation with netty.',
      })
      .waitFor();
    expect(problemsOf(alice)).toEqual([]);
    await alice.close();
  });

  it('notifies of a mention or a private message while the page is hidden, once allowed', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    // Counts the notifications the page makes; they still go to the real Notification.
    await alice.evaluate(`(() => {
      const Real = window.Notification;
      window.shown = [];
      window.Notification = class extends Real {
        constructor(title, options) {
          super(title, options);
          window.shown.push(title + ': ' + (options?.body ?? ''));
        }
      };
    })()`);
    await login(alice, 'alice');
    const origin = `http://127.0.0.1:${server.port('http')}`;
    await browser.context.grantPermissions(['notifications'], { origin });
    // Permission is asked for by the button, on the user's click, not on load.
    const button = alice.locator('#enable-notifications');
    if (await button.isVisible()) await button.click();
    await button.waitFor({ state: 'hidden' });
    // Headless Chromium has no way to hide a tab (no window to minimise or cover), so the
    // page is told it is hidden the way the browser would tell it.
    await alice.evaluate(`(() => {
      Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
      Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
      document.dispatchEvent(new Event('visibilitychange'));
    })()`);
    const bob = await LineClient.join(server.port('line'), 'bob');
    bob.send('nothing for you');
    bob.send('alice: are you there?');
    bob.send('/msg alice psst');
    await expect
      .poll(() => alice.evaluate('window.shown'))
      .toEqual(['bob in #lobby: alice: are you there?', 'bob: psst']);
    await alice.close();
  });

  it('closes the phone drawers with their × or a tap beside them', async () => {
    const server = await browser.serve();
    const page = await browser.open(server);
    await page.setViewportSize({ width: 390, height: 760 });
    await login(page, 'phone');
    await page.click('#toggle-sidebar');
    await page.locator('#sidebar').waitFor({ state: 'visible' });
    expect(await page.locator('#backdrop').isVisible()).toBe(true);
    await shot(page, 'phone-drawer');
    await page.emulateMedia({ colorScheme: 'dark' });
    await shot(page, 'phone-drawer-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.mouse.click(370, 400);
    await page.locator('#sidebar').waitFor({ state: 'hidden' });
    expect(await page.locator('#backdrop').isVisible()).toBe(false);
    await page.click('#toggle-members');
    await page.locator('#members').waitFor({ state: 'visible' });
    await page.click('#close-members');
    await page.locator('#members').waitFor({ state: 'hidden' });
    await page.close();
  });
});

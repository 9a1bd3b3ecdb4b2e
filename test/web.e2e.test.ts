import { describe, expect, it } from 'vitest';
import { LineClient, tempDir } from './helpers.js';
import {
  browserForThisFile,
  lineTexts,
  login,
  messageLine,
  notice,
  online,
  problemsOf,
  say,
  shot,
} from './web-browser.js';

/** The web client in a real browser against a real server: chatting, safety, history, restarts. */

const browser = browserForThisFile();

describe('web client in Chromium', () => {
  it('two pages chat with each other and with a line client', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const bob = await browser.open(server);
    await login(bob, 'bob');
    const carol = await LineClient.join(server.port('line'), 'carol');

    await say(alice, 'hello bob');
    await messageLine(bob, 'hello bob').waitFor();
    await carol.waitFor('<alice> hello bob');
    carol.send('hi from the terminal');
    await messageLine(alice, 'hi from the terminal').waitFor();
    await messageLine(bob, 'hi from the terminal').waitFor();
    await say(bob, '/me waves');
    await expect.poll(() => messageLine(alice, 'waves').innerText()).toMatch(/\* bob\s+waves/);
    await carol.waitFor('* bob waves');
    // Our own message is confirmed by the server (no longer pending) with its id.
    await expect
      .poll(() => messageLine(alice, 'hello bob').getAttribute('data-id'))
      .toMatch(/^\d+$/);

    // Members, topic and a second room.
    await expect
      .poll(() => alice.locator('#member-list').innerText())
      .toMatch(/alice[\s\S]*bob[\s\S]*carol/);
    await say(alice, '/join #dev');
    await alice.locator('#room-tabs .tab.active', { hasText: '#dev' }).waitFor();
    await say(alice, '/topic shipping on friday');
    await expect.poll(() => alice.locator('#topic').innerText()).toBe('shipping on friday');
    carol.send('/join #dev');
    await alice.locator('#messages li.notice', { hasText: 'carol joined' }).waitFor();
    carol.send('dev talk');
    await messageLine(alice, 'dev talk').waitFor();

    // A private conversation opens its own tab, with an unread count until read.
    await say(bob, '/msg alice just between us');
    const tab = alice.locator('#private-tabs .tab', { hasText: 'bob' });
    await tab.locator('.unread').waitFor();
    expect(await tab.locator('.unread').innerText()).toBe('1');
    // A room message while alice looks elsewhere counts as unread in its room.
    carol.send('/msg #lobby lobby news');
    await alice.locator('#room-tabs .tab', { hasText: '#lobby' }).locator('.unread').waitFor();
    await tab.locator('.open').click();
    await messageLine(alice, 'just between us').waitFor();
    await say(alice, 'got it');
    await messageLine(bob, 'got it').waitFor();
    await expect.poll(() => tab.locator('.unread').count()).toBe(0);
    await carol.waitFor(/./);
    await shot(alice, 'chat-private');

    await alice.locator('#room-tabs .tab', { hasText: '#lobby' }).locator('.open').click();
    await shot(alice, 'chat-lobby');
    await alice.emulateMedia({ colorScheme: 'dark' });
    await shot(alice, 'chat-lobby-dark');
    expect(problemsOf(alice)).toEqual([]);
    expect(problemsOf(bob)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('shows markup as text and makes links clickable, safely', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const bob = await browser.open(server);
    await login(bob, 'bob');
    const evil =
      '<script>window.pwned = 1</script><img src=x onerror="window.pwned = 2"><b>bold</b>';
    await say(alice, evil);
    const line = messageLine(bob, 'window.pwned = 1');
    await line.waitFor();
    expect(await line.locator('.text').innerText()).toBe(evil);
    expect(await bob.locator('#messages script, #messages img, #messages b').count()).toBe(0);
    expect(await bob.evaluate('typeof window.pwned')).toBe('undefined');

    await say(alice, 'docs at https://example.com/a?b=1. or javascript:alert(1)');
    const link = messageLine(bob, 'docs at').locator('a');
    await link.waitFor();
    expect(await link.count()).toBe(1);
    expect(await link.getAttribute('href')).toBe('https://example.com/a?b=1');
    expect(await link.getAttribute('rel')).toBe('noopener noreferrer');
    expect(await link.getAttribute('target')).toBe('_blank');
    await shot(bob, 'markup-as-text');
    expect(problemsOf(bob)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('shows history after a reload, and scrolls back to the first message', async () => {
    const server = await browser.serve({ historyOnJoin: 20 });
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/ids on');
    for (let i = 1; i <= 150; i++) carol.send(`old message ${i}`);
    await carol.waitFor('*** Sent @150 to #lobby', 10_000);

    const alice = await browser.open(server);
    await login(alice, 'alice');
    await messageLine(alice, 'old message 150').waitFor();
    await say(alice, 'before the reload');
    await expect
      .poll(() => messageLine(alice, 'before the reload').getAttribute('data-id'))
      .toBe('151');

    await alice.reload();
    // The tab keeps its nickname: no login form, straight back in, history shown.
    await online(alice);
    await messageLine(alice, 'before the reload').waitFor();
    await messageLine(alice, 'old message 150').waitFor();

    // Scrolling to the top pages back until the beginning.
    for (let i = 0; i < 20; i++) {
      if (await alice.locator('#messages .beginning', { hasText: 'beginning' }).count()) break;
      await alice.locator('#messages').evaluate((list) => {
        list.scrollTop = 0;
        list.dispatchEvent(new Event('scroll'));
      });
      await alice.waitForTimeout(100);
    }
    await alice
      .locator('#messages .beginning', { hasText: 'This is the beginning of #lobby' })
      .waitFor();
    const ids = await alice
      .locator('#messages li.message')
      .evaluateAll((items) => items.map((item) => Number(item.getAttribute('data-id'))));
    expect(ids).toEqual(Array.from({ length: 151 }, (_, i) => i + 1));
    expect(problemsOf(alice)).toEqual([]);
    await alice.close();
  });

  it('recovers after the server restarts, filling the gap', async () => {
    const dataDir = tempDir();
    const store = { kind: 'sqlite', dataDir, synchronous: 'normal' } as const;
    const first = await browser.serve({ store });
    const port = first.port('http');
    const alice = await browser.open(first);
    await login(alice, 'alice');
    const bob = await browser.open(first);
    await login(bob, 'bob');
    await say(alice, 'before the restart');
    await messageLine(bob, 'before the restart').waitFor();
    // Alice's attempts to reconnect fail until carol has spoken, however soon the server is
    // back: what carol says is then surely missed, to come with the resume.
    let away = true;
    let refused = 0;
    await alice.routeWebSocket(
      (url) => url.pathname === '/ws',
      (ws) => {
        if (!away) return ws.connectToServer();
        refused++;
        ws.close();
      },
    );

    await first.stop();
    await alice.locator('#banner', { hasText: /Reconnecting|Connection lost/ }).waitFor();
    await shot(alice, 'reconnecting');
    const second = await browser.serve({ store, httpPort: port });
    // Said after the restart while the pages are still away: they must catch it up.
    const carol = await LineClient.join(second.port('line'), 'carol');
    carol.send('/ids on');
    carol.send('said while you were away');
    await carol.waitFor(/Sent @\d+ to #lobby/);
    await expect.poll(() => refused, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
    away = false;

    await online(alice, 20_000);
    await online(bob, 20_000);
    await messageLine(alice, 'said while you were away').waitFor();
    await messageLine(bob, 'said while you were away').waitFor();
    await say(bob, 'back again');
    await messageLine(alice, 'back again').waitFor();
    await carol.waitFor(/<bob> back again/);
    // Exactly once: the restart doubled nothing.
    for (const page of [alice, bob]) {
      expect(await messageLine(page, 'before the restart').count()).toBe(1);
      expect(await messageLine(page, 'said while you were away').count()).toBe(1);
    }
    // What was missed reads between where the gap began and the rejoin; one line for the
    // outage, however many attempts failed.
    await notice(alice, 'You rejoined #lobby').waitFor();
    const story = [
      'before the restart',
      'Connection lost; reconnecting…',
      'said while you were away',
      'You rejoined #lobby',
    ];
    const texts = await lineTexts(alice);
    expect(texts.filter((text) => story.includes(text))).toEqual(story);
    expect(problemsOf(alice)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('fits a phone-sized screen', async () => {
    const server = await browser.serve();
    const page = await browser.open(server);
    await page.setViewportSize({ width: 390, height: 760 });
    await login(page, 'phone');
    await say(page, 'typing on a small screen');
    await messageLine(page, 'typing on a small screen').waitFor();
    // The side panels hide behind buttons; the message list takes the width.
    expect(await page.locator('#sidebar').isVisible()).toBe(false);
    const width = await page.locator('#messages').evaluate((list) => list.clientWidth);
    expect(width).toBeGreaterThan(350);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.click('#toggle-sidebar');
    expect(await page.locator('#sidebar').isVisible()).toBe(true);
    await shot(page, 'phone');
    await page.close();
  });
});

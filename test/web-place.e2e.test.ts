import { describe, expect, it } from 'vitest';
import { LineClient, tempDir } from './helpers.js';
import {
  browserForThisFile,
  lineTexts,
  login,
  messageLine,
  notice,
  online,
  say,
} from './web-browser.js';

/** Where the user is, and in what order things happened, across joins, reloads, restarts. */

const browser = browserForThisFile();

describe('web client: keeping the user’s place', () => {
  it('shows "You joined" and the topic below the messages said before', async () => {
    const server = await browser.serve();
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/join #dev');
    carol.send('/topic #dev shipping friday');
    carol.send('said before alice came');
    await carol.waitFor(/topic/i);
    const alice = await browser.open(server);
    await login(alice, 'alice');
    await say(alice, '/join #dev');
    await notice(alice, 'Topic of #dev').waitFor();
    await messageLine(alice, 'said before alice came').waitFor();
    carol.send('said after');
    await messageLine(alice, 'said after').waitFor();
    const texts = await lineTexts(alice);
    expect(texts.slice(-4)).toEqual([
      'said before alice came',
      'You joined #dev',
      'Topic of #dev: shipping friday (set by carol)',
      'said after',
    ]);
    await alice.close();
  });

  it('keeps rooms, private tabs, the open tab and the read position across a reload', async () => {
    const server = await browser.serve();
    const netty = await LineClient.join(server.port('line'), 'netty');
    const alice = await browser.open(server);
    await login(alice, 'alice');
    await say(alice, '/join #dev');
    await alice.locator('#room-tabs .tab.active', { hasText: '#dev' }).waitFor();
    await say(alice, '/msg netty hello');
    await netty.waitFor('*alice* hello');
    await alice.locator('#private-tabs .tab.active', { hasText: 'netty' }).waitFor();

    await alice.reload();
    await online(alice);
    await alice.locator('#private-tabs .tab.active', { hasText: 'netty' }).waitFor();
    await alice.locator('#room-tabs .tab', { hasText: '#dev' }).waitFor();
    await alice.locator('#room-tabs .tab', { hasText: '#lobby' }).waitFor();
    await expect.poll(() => alice.locator('#title').textContent()).toBe('netty');

    // Away (the tab closed), then back in a new tab: what came meanwhile is below the line.
    await alice.locator('#room-tabs .tab', { hasText: '#lobby' }).locator('.open').click();
    netty.send('read before leaving');
    await messageLine(alice, 'read before leaving').waitFor();
    await alice.close();
    netty.send('while you were away 1');
    netty.send('while you were away 2');
    await netty.waitFor(/./);
    const again = await browser.open(server);
    await login(again, 'alice');
    await again.locator('#room-tabs .tab.active', { hasText: '#lobby' }).waitFor();
    await messageLine(again, 'while you were away 2').waitFor();
    const order = await again
      .locator('#messages li.message, #messages li.divider')
      .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
    const divider = order.findIndex((text) => text === 'New messages');
    expect(divider).toBeGreaterThan(0);
    expect(order[divider - 1]).toContain('read before leaving');
    expect(order[divider + 1]).toContain('while you were away 1');
    await again.close();
  });

  it('starts afresh from a corrupt stored place', async () => {
    const server = await browser.serve();
    const alice = await browser.open(server);
    const origin = `http://127.0.0.1:${server.port('http')}`;
    await alice.evaluate(
      `localStorage.setItem('chatroom.place:${origin}:alice', '{"v":1,"rooms":[5,null,"#ok"],"lastRead":"x","active":{}}')`,
    );
    await login(alice, 'alice');
    await alice.locator('#room-tabs .tab.active', { hasText: '#lobby' }).waitFor();
    await alice.locator('#room-tabs .tab', { hasText: '#ok' }).waitFor();
    await alice.close();
  });

  it('stays on the open tab across a server restart', async () => {
    const store = { kind: 'sqlite', dataDir: tempDir(), synchronous: 'normal' } as const;
    const first = await browser.serve({ store });
    const alice = await browser.open(first);
    await login(alice, 'alice');
    await say(alice, '/join #dev');
    await alice.locator('#room-tabs .tab.active', { hasText: '#dev' }).waitFor();
    await alice.locator('#room-tabs .tab', { hasText: '#lobby' }).locator('.open').click();
    await alice.locator('#room-tabs .tab.active', { hasText: '#lobby' }).waitFor();
    const port = first.port('http');
    await first.stop();
    await alice.locator('#banner', { hasText: /Reconnecting/ }).waitFor();
    const second = await browser.serve({ store, httpPort: port });
    await online(alice, 30_000);
    await notice(alice, 'You rejoined #lobby').waitFor();
    await alice.locator('#room-tabs .tab', { hasText: '#dev' }).waitFor();
    expect(await alice.locator('#room-tabs .tab.active').textContent()).toContain('#lobby');
    await second.stop();
    await alice.close();
  });
});

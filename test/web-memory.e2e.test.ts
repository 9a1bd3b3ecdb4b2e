import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { MAX_ENTRIES } from '../web/src/conversation.js';
import { browserForThisFile, login, messageLine } from './web-browser.js';
import { WsClient } from './ws-client.js';

/**
 * A tab left open in a busy room: what it keeps must not grow with what it has seen. A
 * WebSocket client in this process says 20,000 messages as fast as the server takes them.
 */

const browser = browserForThisFile({ extraArgs: ['--enable-precise-memory-info'] });

/** Elements in the whole page: six or so per line kept, plus the page's own. */
const MAX_ELEMENTS = MAX_ENTRIES * 8 + 500;

function elements(page: Page): Promise<number> {
  return page.evaluate("document.getElementsByTagName('*').length") as Promise<number>;
}

/** Says `count` messages, numbered from `from`, and waits until all are stored. */
async function flood(client: WsClient, from: number, count: number): Promise<void> {
  for (let i = from; i < from + count; i++) {
    client.send({ type: 'send', to: '#lobby', text: `flood ${i}`, ref: `f${i}` });
  }
  await client.waitForType('ack', { ref: `f${from + count - 1}` }, 120_000);
}

/** The first line in view, and how far from the list's top edge it is. */
function firstInView(page: Page): Promise<{ id: string; offset: number }> {
  return page.evaluate(`(() => {
    const list = document.getElementById('messages');
    const top = list.getBoundingClientRect().top;
    for (const item of list.querySelectorAll('li.message')) {
      const box = item.getBoundingClientRect();
      if (box.bottom > top) return { id: item.dataset.id, offset: Math.round(box.top - top) };
    }
    return { id: '', offset: 0 };
  })()`) as Promise<{ id: string; offset: number }>;
}

describe('web client memory', () => {
  it('keeps a bounded window of a busy room, and keeps the reader’s place while they read back', async () => {
    const server = await browser.serve({ historyOnJoin: 20 });
    const alice = await browser.open(server);
    await login(alice, 'alice');
    const sender = await WsClient.join(server.port('http'), 'sender');
    await flood(sender, 1, 20_000);
    await messageLine(alice, 'flood 20000').waitFor({ timeout: 120_000 });
    expect(await elements(alice)).toBeLessThan(MAX_ELEMENTS);
    expect(await alice.locator('#messages li.message').count()).toBeLessThanOrEqual(MAX_ENTRIES);
    const heap = (await alice.evaluate('performance.memory.usedJSHeapSize')) as number;
    // 20,000 lines kept would be tens of megabytes; the window is a few.
    expect(heap).toBeLessThan(40 * 1024 * 1024);

    // Reading back: live messages neither move the view nor push out what is read.
    await alice.locator('#messages').evaluate((list) => {
      list.scrollTop = list.scrollHeight / 2;
    });
    await alice.locator('#jump').waitFor();
    const before = await firstInView(alice);
    await flood(sender, 20_001, 2000);
    // A barrier: a private message, sent after the flood, arrives after all of it.
    sender.send({ type: 'send', to: 'alice', text: 'after the flood' });
    await alice.locator('#private-tabs .tab', { hasText: 'sender' }).locator('.unread').waitFor();
    expect(await firstInView(alice)).toEqual(before);
    expect(await messageLine(alice, 'flood 22000').count()).toBe(0);
    expect(await elements(alice)).toBeLessThan(MAX_ELEMENTS);

    // Paging back reloads older lines and drops the far end, the reader's line staying put.
    for (let page = 0; page < 6; page++) {
      const top = await firstInView(alice);
      const oldest = await alice.locator('#messages li.message').first().getAttribute('data-id');
      await alice.locator('#messages').evaluate((list) => {
        list.scrollTop = 0;
      });
      await expect
        .poll(() => alice.locator('#messages li.message').first().getAttribute('data-id'), {
          timeout: 20_000,
        })
        .not.toBe(oldest);
      expect(Number(top.id)).toBeGreaterThan(0);
      expect(await elements(alice)).toBeLessThan(MAX_ELEMENTS);
    }

    // Back to the live end: the newest lines, still a bounded window.
    await alice.click('#jump');
    await messageLine(alice, 'flood 22000').waitFor({ timeout: 20_000 });
    expect(await elements(alice)).toBeLessThan(MAX_ELEMENTS);
    await alice.close();
  }, 300_000);
});

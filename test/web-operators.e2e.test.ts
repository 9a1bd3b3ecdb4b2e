import { describe, expect, it } from 'vitest';
import { LineClient } from './helpers.js';
import { configFromFile, operatorsConfigFile } from './operators.js';
import { browserForThisFile, login, notice, problemsOf, say } from './web-browser.js';
import { enter, member, menuItems, openMenu } from './web-moderation-page.js';

/**
 * A server operator in the web client: /oper typed in the composer (read by the text doors'
 * parser), after which every room's settings and member menu are theirs, as the server
 * lets a server operator act as any room's owner.
 */

const browser = browserForThisFile();

describe('web client: server operators', () => {
  it('/oper makes the user an operator of rooms they hold no role in', async () => {
    const server = await browser.serve(configFromFile(await operatorsConfigFile()));
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/join #ops');
    await carol.waitFor('*** Now talking in #ops');
    const page = await browser.open(server);
    await login(page, 'alice');
    await enter(page, '#ops');
    await member(page, 'carol').waitFor();
    const settings = page.locator('#room-settings');
    expect(await settings.isVisible()).toBe(false);
    await openMenu(page, 'carol');
    expect(await menuItems(page)).toEqual(['Send a private message']);
    await page.keyboard.press('Escape');

    await say(page, '/oper alice correct horse');
    await notice(page, 'You are now a server operator (alice)').waitFor();
    await settings.waitFor({ state: 'visible' });
    await openMenu(page, 'carol');
    expect(await menuItems(page)).toContain('Kick…');
    await page.keyboard.press('Escape');

    // Typed, as on the text doors.
    await say(page, '/kick carol enough');
    await carol.waitFor('*** alice kicked carol from #ops (enough)');
    expect(problemsOf(page)).toEqual([]);
    await page.close();
  });
});

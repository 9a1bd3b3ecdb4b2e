import { describe, expect, it } from 'vitest';
import { LineClient } from './helpers.js';
import {
  browserForThisFile,
  login,
  messageLine,
  notice,
  problemsOf,
  say,
  shot,
} from './web-browser.js';
import {
  badge,
  chooseInMenu,
  enter,
  listed,
  member,
  menuItems,
  noticeMatching,
  openMenu,
  openSettings,
  sanction,
  setting,
} from './web-moderation-page.js';
import { WsClient } from './ws-client.js';

/**
 * The web client's moderation in a real Chromium against a real server: role badges in the
 * member list, the member menu (only what the user may do), the room settings, and the key
 * prompt. Every page here comes from 127.0.0.1, so all share one host cloak: a ban or mute
 * by nickname (set on the host) holds on every non-operator of the room.
 */

const browser = browserForThisFile();

async function loggedIn(server: Awaited<ReturnType<typeof browser.serve>>, nick: string) {
  const page = await browser.open(server);
  await login(page, nick);
  return page;
}

describe('web client: moderation', () => {
  it('shows the owner the room settings, whose modes others see change; members do not get them', async () => {
    const server = await browser.serve();
    const alice = await loggedIn(server, 'alice');
    await enter(alice, '#dev');
    const bob = await loggedIn(server, 'bob');
    await enter(bob, '#dev');
    const carol = await WsClient.join(server.port('http'), 'carol');
    carol.send({ type: 'join', room: '#dev' });
    await carol.waitFor({ type: 'members', room: '#dev' });

    // The lobby has no owner: nobody there gets the settings.
    await expect.poll(() => alice.locator('#room-settings').isVisible()).toBe(true);
    expect(await bob.locator('#room-settings').isVisible()).toBe(false);

    await openSettings(alice);
    expect(await alice.locator('#settings-title').textContent()).toBe('Settings of #dev');
    expect(await alice.locator('#settings-current').textContent()).toBe('Now: +nt');
    // The modes asked for when the dialog opened fill it; they are not told as lines too.
    expect(await setting(alice, 'topicLock').isChecked()).toBe(true);
    expect(await setting(alice, 'moderated').isChecked()).toBe(false);
    expect(await notice(alice, 'Modes of #dev').count()).toBe(0);
    await setting(alice, 'moderated').check();
    await setting(alice, 'key').fill('sesame');
    await shot(alice, 'moderation-settings');
    await alice.click('#settings-save');
    await alice.locator('#settings-dialog').waitFor({ state: 'hidden' });

    await notice(bob, 'alice made #dev moderated: only voiced members may speak').waitFor();
    await notice(bob, 'alice set the key of #dev to sesame').waitFor();
    await notice(alice, 'You made #dev moderated').waitFor();
    await carol.waitFor({
      type: 'mode',
      room: '#dev',
      nick: 'alice',
      changes: [
        { mode: 'moderated', on: true },
        { mode: 'key', on: true, key: 'sesame' },
      ],
    });
    // Moderated: bob, with no voice, is refused, and told why.
    await say(bob, 'can I speak?');
    await expect
      .poll(() => messageLine(bob, 'can I speak?').locator('.failure').textContent())
      .toContain('only voiced members may speak');

    // Opened again, the settings show the modes as they are now, and follow others' changes.
    await openSettings(alice);
    expect(await alice.locator('#settings-current').textContent()).toBe('Now: +mntk sesame');
    expect(await setting(alice, 'key').inputValue()).toBe('sesame');
    carol.send({ type: 'mode', room: '#dev', changes: [{ mode: 'limit', on: true, limit: 5 }] });
    await carol.waitFor({ type: 'error', code: 'NOT_ROOM_OPERATOR' });
    // A bad limit is refused in the form, nothing sent.
    await setting(alice, 'limit').fill('0');
    await alice.click('#settings-save');
    await expect
      .poll(() => alice.locator('#settings-error').textContent())
      .toContain('whole number');
    await setting(alice, 'limit').fill('25');
    await setting(alice, 'moderated').uncheck();
    await alice.click('#settings-save');
    await notice(bob, 'alice limited #dev to 25 members').waitFor();
    await notice(bob, 'alice made #dev no longer moderated').waitFor();
    await say(bob, 'now I can');
    await carol.waitFor({ type: 'message', room: '#dev', from: 'bob', text: 'now I can' });
    expect(await bob.locator('#room-settings').isVisible()).toBe(false);
    expect(problemsOf(alice)).toEqual([]);
    expect(problemsOf(bob)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('shows role badges, sorted by rank, kept current as roles change; the menu works by keyboard', async () => {
    const server = await browser.serve();
    const alice = await loggedIn(server, 'alice');
    await enter(alice, '#dev');
    const bob = await loggedIn(server, 'bob');
    await enter(bob, '#dev');
    const carol = await LineClient.join(server.port('line'), 'carol');
    carol.send('/join #dev');
    await notice(alice, 'carol joined').waitFor();

    await expect.poll(() => listed(alice)).toEqual(['~alice', 'bob', 'carol']);
    expect(await badge(alice, 'alice').getAttribute('title')).toBe('owner');

    await chooseInMenu(alice, 'carol', 'Make operator (+o)');
    await carol.waitFor('*** alice made carol an operator of #dev');
    await expect.poll(() => listed(alice)).toEqual(['~alice', '@carol', 'bob']);
    await expect.poll(() => listed(bob)).toEqual(['~alice', '@carol', 'bob']);
    expect(await badge(bob, 'carol').getAttribute('title')).toBe('operator');

    // By keyboard: Enter on the member opens the menu on its first item; arrows move; Enter acts.
    await member(alice, 'bob').focus();
    await alice.keyboard.press('Enter');
    await alice.locator('#member-menu').waitFor({ state: 'visible' });
    expect(await member(alice, 'bob').getAttribute('aria-expanded')).toBe('true');
    const focused = () => alice.evaluate('document.activeElement.textContent');
    expect(await focused()).toBe('Send a private message');
    await alice.keyboard.press('End');
    expect(await focused()).toBe('Ban…');
    await alice.keyboard.press('Home');
    await alice.keyboard.press('ArrowDown');
    expect(await focused()).toBe('Give voice (+v)');
    await shot(alice, 'moderation-member-menu');
    await alice.keyboard.press('Enter');
    await alice.locator('#member-menu').waitFor({ state: 'hidden' });
    await expect.poll(() => listed(bob)).toEqual(['~alice', '@carol', '+bob']);
    expect(await badge(alice, 'bob').getAttribute('title')).toBe('voiced');
    // Focus is back on the member, whose menu now offers to take the voice away.
    expect(await alice.evaluate('document.activeElement.dataset.nick')).toBe('bob');
    await alice.keyboard.press('Enter');
    await alice.locator('#member-menu').waitFor({ state: 'visible' });
    expect(await menuItems(alice)).toContain('Take voice (−v)');
    // Escape closes the menu only, and gives focus back to the member.
    await alice.keyboard.press('Escape');
    await alice.locator('#member-menu').waitFor({ state: 'hidden' });
    expect(await alice.evaluate('document.activeElement.dataset.nick')).toBe('bob');

    // Taken away again, the badge goes; a renamed member keeps theirs.
    await chooseInMenu(alice, 'carol', 'Take operator (−o)');
    await expect.poll(() => listed(bob)).toEqual(['~alice', '+bob', 'carol']);
    await say(bob, '/nick robert');
    await expect.poll(() => listed(alice)).toEqual(['~alice', '+robert', 'carol']);
    expect(problemsOf(alice)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('kicks and bans through the member menu; the member sees it and is kept out until lifted', async () => {
    const server = await browser.serve();
    const alice = await loggedIn(server, 'alice');
    await enter(alice, '#dev');
    const bob = await loggedIn(server, 'bob');
    await enter(bob, '#dev');
    await member(alice, 'bob').waitFor();

    await sanction(alice, 'bob', 'Kick', { reason: 'off topic' });
    await notice(bob, 'alice kicked bob from #dev (off topic)').waitFor();
    await bob.locator('#room-tabs .tab.parted', { hasText: '#dev' }).waitFor();
    await expect.poll(() => member(alice, 'bob').count()).toBe(0);
    await enter(bob, '#dev');

    // A duration that is none is refused in the dialog, nothing sent.
    await chooseInMenu(alice, 'bob', 'Ban…');
    await alice.fill('#action-duration', 'soon');
    await alice.click('#action-submit');
    await expect
      .poll(() => alice.locator('#action-error').textContent())
      .toContain('not a duration');
    await alice.keyboard.press('Escape');
    await alice.locator('#action-dialog').waitFor({ state: 'hidden' });

    await sanction(alice, 'bob', 'Ban', { duration: '1h', reason: 'spam' });
    await noticeMatching(bob, /alice banned bob \(\*!\*@\S+\) from #dev for 1h: spam/).waitFor();
    await notice(bob, 'alice kicked bob from #dev (Banned: spam)').waitFor();
    await bob.locator('#room-tabs .tab.parted', { hasText: '#dev' }).waitFor();
    await say(bob, '/join #dev');
    await noticeMatching(bob, /Cannot join #dev\. You are banned from #dev for (1h|59m)/).waitFor();
    await shot(bob, 'moderation-banned');

    // The settings list the ban; lifting it lets bob back in.
    await openSettings(alice);
    const ban = alice.locator('#sanction-list .sanction', { hasText: 'Ban on *!*@' });
    await expect.poll(() => ban.textContent()).toMatch(/by alice, (59m \d+s|1h) left: spam/);
    await ban.getByRole('button', { name: /Lift the ban/ }).click();
    await expect.poll(() => alice.locator('#sanction-list').textContent()).toBe('None.');
    await alice.keyboard.press('Escape');
    await enter(bob, '#dev');
    expect(problemsOf(bob)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('mutes for a while: the member stays but cannot speak, and is told for how long', async () => {
    const server = await browser.serve();
    const alice = await loggedIn(server, 'alice');
    await enter(alice, '#dev');
    const bob = await loggedIn(server, 'bob');
    await enter(bob, '#dev');

    await sanction(alice, 'bob', 'Mute', { duration: '10m', reason: 'calm down' });
    await noticeMatching(bob, /alice muted bob \(\*!\*@\S+\) in #dev for 10m: calm down/).waitFor();
    await say(bob, 'but why');
    await expect
      .poll(() => messageLine(bob, 'but why').locator('.failure').textContent())
      .toMatch(/You are muted in #dev for (9m \d+s|10m)/);
    expect(await member(alice, 'bob').count()).toBe(1);
    // An operator may not be muted (it would not hold): the menu does not offer it.
    await chooseInMenu(alice, 'bob', 'Make operator (+o)');
    await expect.poll(() => badge(alice, 'bob').textContent()).toBe('@');
    await openMenu(alice, 'bob');
    expect(await menuItems(alice)).toEqual([
      'Send a private message',
      'Give voice (+v)',
      'Take operator (−o)',
      'Make owner (+q)',
      'Kick…',
      'Ban…',
    ]);
    await alice.keyboard.press('Escape');
    await alice.close();
    await bob.close();
  });

  it('offers a plain member no moderation at all, and an operator nothing on those above', async () => {
    const server = await browser.serve();
    const alice = await loggedIn(server, 'alice');
    await enter(alice, '#dev');
    const bob = await loggedIn(server, 'bob');
    await enter(bob, '#dev');
    const carol = await WsClient.join(server.port('http'), 'carol');
    carol.send({ type: 'join', room: '#dev' });
    await member(bob, 'carol').waitFor();

    await openMenu(bob, 'alice');
    expect(await menuItems(bob)).toEqual(['Send a private message']);
    expect(await bob.locator('#member-menu-title').textContent()).toBe('alice · owner');
    await shot(bob, 'moderation-member-menu-plain');
    // A click elsewhere closes it.
    await bob.locator('#messages').click();
    await bob.locator('#member-menu').waitFor({ state: 'hidden' });
    await openMenu(bob, 'bob');
    expect(await menuItems(bob)).toEqual(['This is you']);
    await bob.keyboard.press('Escape');
    expect(await bob.locator('#room-settings').isVisible()).toBe(false);

    // Made an operator, bob may act on carol but not on the owner; he may drop his own role.
    await chooseInMenu(alice, 'bob', 'Make operator (+o)');
    await expect.poll(() => bob.locator('#room-settings').isVisible()).toBe(true);
    await openMenu(bob, 'alice');
    expect(await menuItems(bob)).toEqual(['Send a private message']);
    await bob.keyboard.press('Escape');
    await openMenu(bob, 'carol');
    expect(await menuItems(bob)).toEqual([
      'Send a private message',
      'Give voice (+v)',
      'Make operator (+o)',
      'Kick…',
      'Mute…',
      'Ban…',
    ]);
    await bob.keyboard.press('Escape');
    await openMenu(bob, 'bob');
    expect(await menuItems(bob)).toEqual(['Stop being an operator']);
    await bob.locator('#member-menu-items [role="menuitem"]').click();
    await expect.poll(() => bob.locator('#room-settings').isVisible()).toBe(false);
    await expect.poll(() => badge(alice, 'bob').textContent()).toBe('');

    // The private message item opens the conversation.
    await chooseInMenu(bob, 'carol', 'Send a private message');
    await bob.locator('#private-tabs .tab.active', { hasText: 'carol' }).waitFor();
    expect(problemsOf(bob)).toEqual([]);
    await alice.close();
    await bob.close();
  });

  it('asks for the key of a room with one, again after a wrong key, and says why other joins fail', async () => {
    const server = await browser.serve();
    const alice = await WsClient.join(server.port('http'), 'alice');
    alice.send({ type: 'join', room: '#vault' });
    alice.send({
      type: 'mode',
      room: '#vault',
      changes: [{ mode: 'key', on: true, key: 'sesame' }],
    });
    await alice.waitFor({ type: 'mode', room: '#vault' });
    const bob = await loggedIn(server, 'bob');

    await say(bob, '/join #vault');
    const dialog = bob.locator('#key-dialog');
    await dialog.waitFor({ state: 'visible' });
    expect(await bob.locator('#key-title').textContent()).toBe('#vault needs a key');
    await notice(bob, '#vault needs a key to join.').waitFor();
    expect(await bob.evaluate('document.activeElement.id')).toBe('key-input');
    await bob.keyboard.type('open up');
    await bob.keyboard.press('Enter');
    await expect
      .poll(() => bob.locator('#key-error').textContent())
      .toBe('That key does not open #vault. Try again.');
    await dialog.waitFor({ state: 'visible' });
    await shot(bob, 'moderation-key-prompt');
    await bob.fill('#key-input', 'sesame');
    await bob.click('#key-dialog button[type="submit"]');
    await bob.locator('#room-tabs .tab.active', { hasText: '#vault' }).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await alice.waitFor({ type: 'join', room: '#vault', nick: 'bob' });

    // The key typed with /join works at once; Cancel gives up without joining.
    await say(bob, '/part #vault');
    await bob.locator('#room-tabs .tab.parted', { hasText: '#vault' }).waitFor();
    await say(bob, '/join #vault sesame');
    await bob.locator('#room-tabs .tab.active:not(.parted)', { hasText: '#vault' }).waitFor();
    expect(await dialog.isVisible()).toBe(false);

    // Invite only, and full: said plainly, no prompt.
    alice.send({ type: 'join', room: '#club' });
    alice.send({ type: 'mode', room: '#club', changes: [{ mode: 'inviteOnly', on: true }] });
    alice.send({ type: 'join', room: '#tiny' });
    alice.send({ type: 'mode', room: '#tiny', changes: [{ mode: 'limit', on: true, limit: 1 }] });
    await alice.waitFor({ type: 'mode', room: '#tiny' });
    await say(bob, '/join #club');
    await notice(bob, 'Cannot join #club. It is invite only: ask one of its operators').waitFor();
    await say(bob, '/join #tiny');
    await notice(bob, 'Cannot join #tiny. #tiny is full (1 members).').waitFor();
    expect(await dialog.isVisible()).toBe(false);
    await expect.poll(() => bob.locator('.notice.error').count()).toBeGreaterThanOrEqual(2);
    expect(problemsOf(bob)).toEqual([]);
    await bob.close();
  });
});

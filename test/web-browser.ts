import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll } from 'vitest';
import type { RunningServer, ServerConfig } from '../src/server.js';
import { startTestServer } from './helpers.js';

/**
 * What the browser test files share: the web client built fresh from the source (what is
 * tested is the source as it is now, not an old dist/), a real Chromium (Debian's, driven
 * by playwright-core), pages logged in against a real server. Each file has its own Browser
 * (browserForThisFile). Screenshots go to test-artifacts/.
 */

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = fileURLToPath(new URL('../test-artifacts/', import.meta.url));
const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface LaunchOptions {
  extraArgs?: string[];
}

export class Browser {
  private constructor(
    readonly context: BrowserContext,
    private readonly webRoot: string,
    private readonly userDataDir: string,
  ) {}

  static async launch(options: LaunchOptions = {}): Promise<Browser> {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const webRoot = mkdtempSync(join(tmpdir(), 'chatroom-web-'));
    await build({
      configFile: join(ROOT, 'web/vite.config.ts'),
      logLevel: 'warn',
      build: { outDir: webRoot, emptyOutDir: true },
    });
    const userDataDir = mkdtempSync(join(tmpdir(), 'chatroom-chromium-'));
    const context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        ...(options.extraArgs ?? []),
      ],
      viewport: { width: 1100, height: 700 },
    });
    return new Browser(context, webRoot, userDataDir);
  }

  async close(): Promise<void> {
    await this.context.close();
    rmSync(this.userDataDir, { recursive: true, force: true });
    rmSync(this.webRoot, { recursive: true, force: true });
  }

  serve(overrides: Partial<ServerConfig> = {}): Promise<RunningServer> {
    return startTestServer({ webRoot: this.webRoot, ...overrides });
  }

  /** A new tab, with anything the page throws or logs as an error noted in problems. */
  async open(server: RunningServer): Promise<Page> {
    const page = await this.context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      // A dropped connection is reported by the browser itself while the server restarts.
      if (message.type() === 'error' && !/WebSocket|ERR_CONNECTION_REFUSED/.test(message.text())) {
        problems.push(message.text());
      }
    });
    pageProblems.set(page, problems);
    await page.goto(`http://127.0.0.1:${server.port('http')}/`);
    return page;
  }
}

/** The calling file's Browser: launched before its tests, closed after them. */
export function browserForThisFile(
  options: LaunchOptions = {},
): Pick<Browser, 'context' | 'serve' | 'open'> {
  let launched: Browser | undefined;
  beforeAll(async () => {
    launched = await Browser.launch(options);
  }, 120_000);
  afterAll(async () => {
    await launched?.close();
  });
  const current = (): Browser => {
    if (!launched) throw new Error('the browser is launched in beforeAll');
    return launched;
  };
  return {
    get context() {
      return current().context;
    },
    serve: (overrides) => current().serve(overrides),
    open: (server) => current().open(server),
  };
}

const pageProblems = new WeakMap<Page, string[]>();

export function problemsOf(page: Page): string[] {
  return pageProblems.get(page) ?? [];
}

export async function login(page: Page, nick: string): Promise<void> {
  await page.fill('#nick-input', nick);
  await page.press('#nick-input', 'Enter');
  await page.locator('#app').waitFor({ state: 'visible' });
  await online(page);
}

/** Online: the status dot (out of sight on a phone, in the hidden sidebar) says so. */
export function online(page: Page, timeout?: number): Promise<void> {
  return page
    .locator('#status[data-status="online"]')
    .waitFor({ state: 'attached', ...(timeout === undefined ? {} : { timeout }) });
}

export async function say(page: Page, text: string): Promise<void> {
  await page.fill('#composer-input', text);
  await page.press('#composer-input', 'Enter');
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`) });
}

export function messageLine(page: Page, text: string) {
  return page.locator('#messages li.message', { hasText: text });
}

export function notice(page: Page, text: string) {
  return page.locator('#messages li.notice', { hasText: text });
}

/** The visible texts of the open conversation's lines, messages and notices, top to bottom. */
export function lineTexts(page: Page): Promise<string[]> {
  return page
    .locator('#messages li.message .text, #messages li.notice .text')
    .evaluateAll((items) => items.map((item) => item.textContent ?? ''));
}

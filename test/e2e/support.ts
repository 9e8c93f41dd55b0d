/**
 * End-to-end harness: the whole product (API + built web apps) on an in-memory PGlite with the demo data,
 * listening on a free loopback port, driven through Debian's Chromium by playwright-core.
 */
import { after, before } from 'node:test';
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { openPglite, type Db } from '../../src/platform/db.ts';
import { migrate } from '../../src/platform/migrate.ts';
import { ensureAdmin } from '../../src/accounts/admin.ts';
import { DEMO_ACCOUNTS, DEMO_PAYMENT_PIN, seedDemo } from '../../src/demo/seed.ts';
import { WEB_DIST } from '../../src/web/static.ts';
import type { App } from '../../src/platform/http.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));
export const ADMIN_PASSWORD = 'admin-e2e-password';
/** The browsers' time zone: far from Beijing's (UTC+8), with daylight saving time. */
export const BROWSER_TIME_ZONE = 'America/New_York';
export { DEMO_ACCOUNTS, DEMO_PAYMENT_PIN };

export interface E2E {
  baseUrl: string;
  app: App;
  db: Db;
  browser: Browser;
  /** The demo pharmacy till's credential (`ybt_…`), as the seed printed it. */
  terminalCredential: string;
  /**
   * A new browser window with its own storage (one per actor: a phone, a till, a counter), in New York's time
   * zone (BROWSER_TIME_ZONE) so a screen that showed the browser's local time instead of Beijing's would show.
   * `locale` is the browser's (zh-CN unless given); the apps' own language is chosen in their menu.
   */
  newContext(opts?: { mobile?: boolean; locale?: string }): Promise<BrowserContext>;
  /** Saves a full-page screenshot to docs/screenshots/NAME.png and returns the PNG bytes. */
  screenshot(page: Page, name: string): Promise<Buffer>;
}

/**
 * Starts the product and a browser for one test file; both are closed after it.
 * Call at the top level of the file; `e2e()` is valid inside tests.
 */
export function useE2E(): () => E2E {
  let env: E2E | undefined;
  let closeAll: (() => Promise<void>) | undefined;
  before(async () => {
    if (!existsSync(WEB_DIST + 'index.html'))
      throw new Error('web/dist is missing: run `npm run build` first');
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium`);
    const db = await openPglite();
    await migrate(db);
    const config = loadConfig(
      {},
      { mode: 'demo', adminPassword: ADMIN_PASSWORD, logLevel: 'silent', loginRateLimitPerMinute: 10_000 },
    );
    await ensureAdmin(db, config);
    const seeded = await seedDemo(db, new Date(), 200);
    const app = await buildApp({ db, config, logger: false });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        // A fake camera so getUserMedia answers in headless runs.
        '--use-fake-ui-for-media-stream',
        '--use-fake-device-for-media-stream',
      ],
    });
    mkdirSync(SCREENSHOTS, { recursive: true });
    env = {
      baseUrl: address,
      app,
      db,
      browser,
      terminalCredential: seeded.terminalCredential!,
      newContext: ({ mobile, locale = 'zh-CN' } = {}) =>
        browser.newContext({
          baseURL: address,
          locale,
          timezoneId: BROWSER_TIME_ZONE,
          ...(mobile
            ? { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }
            : { viewport: { width: 1280, height: 900 } }),
        }),
      async screenshot(page, name) {
        return page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
      },
    };
    closeAll = async () => {
      await browser.close();
      await app.close();
      await db.close();
    };
  });
  after(async () => {
    await closeAll?.();
  });
  return () => {
    if (!env) throw new Error('e2e environment not ready');
    return env;
  };
}

/** Waits until the field labelled `label` is marked invalid and returns the error shown beneath it. */
export async function fieldError(page: Page, label: string | RegExp): Promise<string> {
  const input = page.getByLabel(label, { exact: typeof label === 'string' });
  await page.waitForFunction(
    (el) => el?.getAttribute('aria-invalid') === 'true',
    await input.elementHandle(),
    {
      timeout: 10_000,
    },
  );
  const ids = (await input.getAttribute('aria-describedby'))?.split(' ') ?? [];
  const errorId = ids.find((id) => id.endsWith('-error'));
  assertOk(errorId, `field ${label} has no error attached`);
  return page.locator(`[id="${errorId}"]`).innerText();
}

function assertOk(value: unknown, message: string): asserts value {
  if (!value) throw new Error(message);
}

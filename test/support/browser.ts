/**
 * A real browser for the page tests: Debian's Chromium (`/usr/bin/chromium`,
 * installed by .ci/run with apt-get when missing; no browser can be
 * downloaded here) driven by playwright-core. One browser per test file, with
 * a fresh profile that is removed afterwards; tests reuse its pages.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/** Headless, and nothing that reaches outside this machine (no updates, sync, QUIC or background traffic). */
const ARGS = ['--lang=ko-KR', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** The phone width of the issue (S5: the one-touch order form on mobile). */
export const PHONE = { width: 375, height: 812 } as const;
export const DESKTOP = { width: 1280, height: 900 } as const;

export interface TestBrowser {
  readonly context: BrowserContext;
  /** A page (tab) of this browser at the given size, reused by later calls with the same name. */
  page(name: string, viewport?: { width: number; height: number }): Promise<Page>;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<TestBrowser> {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does.`);
  const profile = mkdtempSync(join(tmpdir(), 'subscriptions-chromium-'));
  // The profile is the --user-data-dir: Playwright passes it for a persistent context (and refuses it in `args`).
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: ARGS, viewport: DESKTOP, locale: 'ko-KR', timezoneId: 'Asia/Seoul' });
  // Generous for a loaded 2-core CI machine; a page here answers in milliseconds when idle.
  context.setDefaultTimeout(10_000);
  const pages = new Map<string, Page>();
  return {
    context,
    async page(name, viewport = DESKTOP) {
      let page = pages.get(name);
      if (!page) {
        page = pages.size === 0 && context.pages()[0] ? context.pages()[0]! : await context.newPage();
        pages.set(name, page);
      }
      await page.setViewportSize(viewport);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

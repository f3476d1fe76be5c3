/**
 * The pages (web/) on the API's own port: `GET /` and every page, the
 * widget's script, `/config.json` (same origin, local) and the sandbox PG's
 * registration window at `/_local/sandbox-pg/window`. Never deployed: in AWS
 * the same files are in S3 behind CloudFront (lib/constructs/static-site.ts).
 *
 * What is served is Vite's production build, the very files CloudFront
 * serves, not a dev server. A build of the current sources is kept under
 * node_modules/.cache/subscription-pages/<hash of web/ and the lock file> and
 * reused, so only the first start after a change builds. `npm start` starts
 * the build in the background (the banner does not wait for it); a page asked
 * for before the build is done waits for it. Tests that never ask for a page
 * never build.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, relative, sep } from 'node:path';
import { HASHED_ASSETS_PREFIX, SITE_CONFIG_FILE, WIDGET_FILE, type SiteConfig } from '../system/site.ts';
import { REPO_ROOT } from './handlers.ts';

const WEB_DIR = join(REPO_ROOT, 'web');
const CACHE_DIR = join(REPO_ROOT, 'node_modules', '.cache', 'subscription-pages');

/** The sandbox PG's window: a page of the build, served under the local-only prefix. */
export const SANDBOX_WINDOW_PATH = '/_local/sandbox-pg/window';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.map': 'application/json; charset=utf-8',
};

/** Every source file of the pages, for the build's hash (the build output and caches excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.name !== 'dist' && entry.name !== 'node_modules' && !entry.name.startsWith('.'))
    .flatMap((entry) => (entry.isDirectory() ? sourceFiles(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** A hash of what the build depends on: the pages' sources and the locked package versions. */
export function sourceHash(): string {
  const hash = createHash('sha256');
  for (const file of sourceFiles(WEB_DIR)) hash.update(relative(WEB_DIR, file)).update('\0').update(readFileSync(file)).update('\0');
  hash.update(readFileSync(join(REPO_ROOT, 'package-lock.json')));
  return hash.digest('hex').slice(0, 16);
}

/**
 * The folder holding a build of the current sources, built if there is none.
 * Builds go to a temporary folder renamed into place, so two processes building
 * at once (two test workers) never serve half a build; the loser's copy is dropped.
 */
export async function ensurePagesBuilt(): Promise<{ dir: string; built: boolean; ms: number }> {
  const started = Date.now();
  const dir = join(CACHE_DIR, sourceHash());
  if (existsSync(join(dir, 'index.html'))) return { dir, built: false, ms: Date.now() - started };
  const temporary = `${dir}.tmp-${process.pid}-${Date.now()}`;
  const { buildWeb } = await import('../web/build.ts');
  await buildWeb(temporary, { quiet: true });
  try {
    renameSync(temporary, dir);
  } catch (error) {
    rmSync(temporary, { recursive: true, force: true });
    if (!existsSync(join(dir, 'index.html'))) throw error;
  }
  // Older builds are of sources that no longer exist here.
  for (const entry of readdirSync(CACHE_DIR)) {
    const path = join(CACHE_DIR, entry);
    if (path !== dir && !entry.includes('.tmp-') && statSync(path).isDirectory()) rmSync(path, { recursive: true, force: true });
  }
  return { dir, built: true, ms: Date.now() - started };
}

export class LocalPages {
  private build: Promise<{ dir: string; built: boolean; ms: number }> | undefined;

  /** Starts the build now (npm start), so that the first page is ready sooner. */
  prepare(): Promise<{ dir: string; built: boolean; ms: number }> {
    this.build ??= ensurePagesBuilt();
    return this.build;
  }

  /**
   * Answers a GET for a page, the widget, an asset or /config.json; false for
   * anything else (the API's routes, /_local/* other than the window).
   */
  async serve(method: string, url: URL, response: ServerResponse): Promise<boolean> {
    if (method !== 'GET' && method !== 'HEAD') return false;
    const path = url.pathname;
    if (path === `/${SITE_CONFIG_FILE}`) {
      const config: SiteConfig = { apiBase: '', local: true };
      send(response, 200, CONTENT_TYPES['.json']!, 'no-store', JSON.stringify(config));
      return true;
    }
    const file = path === '/' ? 'index.html' : path === SANDBOX_WINDOW_PATH ? 'sandbox-pg.html' : servedFile(path);
    if (!file) return false;
    let dir: string;
    try {
      dir = (await this.prepare()).dir;
    } catch (error) {
      this.build = undefined;
      send(response, 500, 'text/plain; charset=utf-8', 'no-store', `The pages could not be built:\n${error instanceof Error ? error.message : String(error)}\n`);
      return true;
    }
    const target = normalize(join(dir, file));
    if (!target.startsWith(dir + sep)) return false;
    let body: Buffer;
    try {
      body = await readFile(target);
    } catch {
      return false;
    }
    const cache = file.startsWith(HASHED_ASSETS_PREFIX) ? 'public, max-age=31536000, immutable' : 'no-cache';
    send(response, 200, CONTENT_TYPES[extname(file)] ?? 'application/octet-stream', cache, method === 'HEAD' ? '' : body);
    return true;
  }
}

/** The build's file for a path, if it can be one: pages (*.html), the widget, hashed assets. */
function servedFile(path: string): string | null {
  if (/^\/[a-z0-9-]+\.html$/.test(path) || path === `/${WIDGET_FILE}`) return path.slice(1);
  if (/^\/assets\/[\w.-]+$/.test(path)) return path.slice(1);
  return null;
}

function send(response: ServerResponse, status: number, contentType: string, cacheControl: string, body: string | Buffer): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': cacheControl, 'x-content-type-options': 'nosniff' });
  response.end(body);
}

/**
 * Builds the pages with Vite: the multi-page app (storefront order form, my
 * subscriptions, merchant, platform and dev consoles) and the storefront
 * widget, a single self-contained script that shops embed with one tag.
 *
 * Who calls it: `npm start` (local/pages.ts, once per change of the sources,
 * cached), the CDK static site (lib/constructs/static-site.ts bundles through
 * `npm run build:web -- <outDir>`), and `npm run build:web` by hand.
 *
 * JSX goes through Vite's own Oxc transform (Preact's automatic runtime), so
 * no Babel preset is needed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, type InlineConfig } from 'vite';
import { WIDGET_FILE } from '../system/site.ts';

export const WEB_ROOT = fileURLToPath(new URL('./', import.meta.url));

/** Every page, by file name (without .html). */
export const PAGES = ['index', 'product', 'order', 'order-complete', 'my', 'admin', 'platform', 'dev', 'sandbox-pg'] as const;

export { LOCAL_ONLY_FILES, WIDGET_FILE } from '../system/site.ts';

const shared: InlineConfig = {
  root: WEB_ROOT,
  configFile: false,
  envDir: false,
  base: '/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
};

export interface WebBuildReport {
  readonly outDir: string;
  /** The widget script's size, raw and gzipped (what a product page downloads). */
  readonly widget: { readonly bytes: number; readonly gzipBytes: number };
}

/** Builds everything into `outDir` (emptied first). */
export async function buildWeb(outDir: string, options: { quiet?: boolean } = {}): Promise<WebBuildReport> {
  const logLevel = options.quiet ? 'warn' : 'info';
  await build({
    ...shared,
    logLevel,
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      rolldownOptions: { input: Object.fromEntries(PAGES.map((page) => [page, join(WEB_ROOT, `${page}.html`)])) },
    },
  });
  await build({
    ...shared,
    logLevel,
    define: { 'process.env.NODE_ENV': '"production"' },
    build: {
      outDir,
      emptyOutDir: false,
      target: 'es2020',
      copyPublicDir: false,
      lib: { entry: join(WEB_ROOT, 'src/widget/main.tsx'), formats: ['iife'], name: 'SubscriptionWidget', fileName: () => WIDGET_FILE },
    },
  });
  const widget = readFileSync(join(outDir, WIDGET_FILE));
  return { outDir, widget: { bytes: widget.length, gzipBytes: gzipSync(widget, { level: 9 }).length } };
}

// `npm run build:web -- <outDir>`: build, print the widget's size.
if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const outDir = process.argv[2] ?? join(WEB_ROOT, 'dist');
  const report = await buildWeb(outDir);
  console.log(`pages built in ${report.outDir}; ${WIDGET_FILE}: ${report.widget.bytes} bytes, ${report.widget.gzipBytes} bytes gzipped`);
}

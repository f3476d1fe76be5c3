/**
 * How a function is bundled for Lambda, in one place: the CDK construct
 * (lib/constructs/service-function.ts) deploys with these settings, and
 * `npm run bench -- --cold` measures bundles built with the same ones, so the
 * sizes and start-up times it prints are the deployed ones.
 */

/** Some dependencies are CommonJS and call require(); an ESM bundle has no require, so make one. */
export const ESM_REQUIRE_BANNER =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

import { fileURLToPath } from 'node:url';

/**
 * Packages a deployed bundle carries a smaller module of ours for (esbuild's `alias`), by package import path →
 * absolute file. Powertools idempotency's JMESPath engine (~22 KB of every idempotent route) → plain field names
 * only, which is all functions/http/idempotency.ts gives it (why, and what it refuses: the module's docblock).
 */
export const BUNDLE_ALIASES = {
  '@aws-lambda-powertools/jmespath': fileURLToPath(new URL('../functions/http/jmespath-fields.ts', import.meta.url)),
  '@aws-lambda-powertools/jmespath/functions': fileURLToPath(new URL('../functions/http/jmespath-fields.ts', import.meta.url)),
} as const;

export const BUNDLING = {
  format: 'esm',
  platform: 'node',
  /** The Lambda runtime (Node.js 24). */
  target: 'node24',
  mainFields: ['module', 'main'],
  minify: true,
  /** Korean text (mails, SMS, decline reasons) as UTF-8, not \uXXXX escapes: smaller and readable in the bundle. */
  charset: 'utf8',
  banner: ESM_REQUIRE_BANNER,
  /** The Node.js 24 runtime carries the AWS SDK v3: NodejsFunction leaves it out of the bundle (its default for Node ≥ 18). */
  external: ['@aws-sdk/*'],
  /**
   * The sandbox PG is the local runtime's (PG_SANDBOX=true, which runs the sources, not bundles): a deployed
   * bundle reads PG_SANDBOX as "false" whatever its environment says, so the sandbox adapter is compiled out
   * (functions/wiring/gateways.ts) and can never serve a real shop.
   */
  define: { 'process.env.PG_SANDBOX': '"false"' },
  alias: BUNDLE_ALIASES,
} as const;

/**
 * BUNDLING as esbuild's own build options (the CDK construct spells them its way): what `npm run bench`
 * and test/unit/bundle-imports.test.ts bundle with, so that they measure what is deployed.
 */
export const ESBUILD_OPTIONS = {
  bundle: true,
  format: BUNDLING.format,
  platform: BUNDLING.platform,
  target: BUNDLING.target,
  mainFields: [...BUNDLING.mainFields],
  minify: BUNDLING.minify,
  charset: BUNDLING.charset,
  banner: { js: BUNDLING.banner },
  external: [...BUNDLING.external],
  define: { ...BUNDLING.define },
  alias: { ...BUNDLING.alias },
};

/**
 * Issue 12: every function's bundle (minified, the AWS SDK left to the runtime) stays at or under this.
 * `npm run bench` exits 1 and names the functions over it.
 */
export const BUNDLE_BUDGET_BYTES = 150 * 1024;

/**
 * Files the runtime reads beside its bundle, by repository path → folder
 * beside index.mjs. functions/notifications/templates.ts reads
 * `new URL('./templates/', import.meta.url)`, which in a bundle is
 * `<asset>/templates/`. Copied into every function (a few KB): which function
 * imports the templates module is esbuild's knowledge, not the stack's.
 */
export const BUNDLED_FOLDERS = { 'functions/notifications/templates': 'templates' } as const;

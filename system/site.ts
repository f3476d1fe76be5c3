/**
 * The pages' site, as the three places that handle it agree on it: the build
 * (web/build.ts), the local runtime that serves it on the API's port
 * (local/pages.ts) and the CDK static site that publishes it to S3 behind
 * CloudFront (lib/). Kept here so they cannot drift apart.
 */

/** The storefront widget's script, at the site's root under a stable name so that shops can embed it. */
export const WIDGET_FILE = 'widget.js';

/** Where the pages (and the widget) read where the API is. */
export const SITE_CONFIG_FILE = 'config.json';

/** What config.json holds. */
export interface SiteConfig {
  /** The API's base URL; empty means the same origin as the pages (the local runtime). */
  readonly apiBase: string;
  /** True only under `npm start`: demo logins, the sandbox PG and the dev console exist. */
  readonly local: boolean;
}

/** Files of the build that only the local runtime serves (they call /_local/*): never published. */
export const LOCAL_ONLY_FILES = ['dev.html', 'sandbox-pg.html'] as const;

/** Content-hashed build output: cacheable for a year; everything else is revalidated. */
export const HASHED_ASSETS_PREFIX = 'assets/';

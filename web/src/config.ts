/**
 * Where the API is, read once from the site's /config.json: the local runtime
 * answers `{apiBase: "", local: true}` (same origin); in AWS the deployment
 * writes the API's URL there (lib/constructs/static-site.ts).
 */
import type { SiteConfig } from '../../system/site.ts';

export type { SiteConfig };

let config: SiteConfig = { apiBase: '', local: false };

export async function loadConfig(from: URL | string = '/config.json'): Promise<SiteConfig> {
  try {
    const response = await fetch(from, { cache: 'no-store' });
    if (response.ok) {
      const read = (await response.json()) as Partial<SiteConfig>;
      config = { apiBase: String(read.apiBase ?? '').replace(/\/$/, ''), local: read.local === true };
    }
  } catch {
    // No config: the API is on this origin, as with `npm start`.
  }
  return config;
}

export function siteConfig(): SiteConfig {
  return config;
}

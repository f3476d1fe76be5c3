/** The pages' client: the site's API, with the signed-in token of a role (none for the public routes). */
import { siteConfig } from '../config.ts';
import { getSession, type Role } from '../session.ts';
import { createApi, type Api } from './client.ts';

export { ok } from './client.ts';
export type { paths, components } from './client.ts';

export function api(role?: Role): Api {
  return createApi(siteConfig().apiBase, role ? () => getSession(role)?.token : undefined);
}

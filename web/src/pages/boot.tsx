/** Every page starts the same way: the site's config, a token handed over in the fragment, then render. */
import { render, type ComponentChildren } from 'preact';
import { loadConfig } from '../config.ts';
import { takeTokenFromFragment } from '../session.ts';
import '../ui/style.css';

export async function boot(page: () => ComponentChildren): Promise<void> {
  await loadConfig();
  takeTokenFromFragment();
  const root = document.getElementById('app');
  if (!root) throw new Error('The page has no #app element.');
  render(<>{page()}</>, root);
}

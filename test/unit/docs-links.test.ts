/**
 * No link leaves the repository (issue 16): every link in README.md and
 * docs/*.md points at a file or folder of this repository, or at a heading
 * that exists — nothing outside a fresh clone (../shared, absolute paths,
 * file: URLs). Web pages (https:) are allowed: they work from any clone.
 * And docs/rules.md has one line for each rule S1–S24.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../functions/api/openapi.ts';
import { REPO_ROOT } from '../../local/handlers.ts';
import { headingAnchors, markdownLinks } from '../support/markdown.ts';

const documents = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((file) => file.endsWith('.md')).map((file) => `docs/${file}`)];

/** What is wrong with one link of `file`, or null. */
function problem(file: string, target: string): string | null {
  if (/^https:\/\//i.test(target)) return null;
  if (/^[a-z][a-z0-9+.-]*:/i.test(target)) return 'leaves the repository (only relative links and https: pages)';
  const [path = '', anchor] = target.split('#', 2) as [string, string | undefined];
  if (path.startsWith('/')) return 'is an absolute path (a clone may be anywhere)';
  // `#anchor` alone is a heading of the same file.
  const resolved = path === '' ? join(REPO_ROOT, file) : resolve(REPO_ROOT, dirname(file), decodeURIComponent(path));
  const inside = relative(REPO_ROOT, resolved);
  if (inside.startsWith('..') || inside.split(sep).includes('node_modules')) return 'points outside the repository';
  if (!existsSync(resolved)) return 'points at nothing';
  if (anchor !== undefined) {
    if (!statSync(resolved).isFile() || !resolved.endsWith('.md')) return 'has an anchor into something that is not markdown';
    if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) return `has no heading #${anchor}`;
  }
  return null;
}

describe('links in README.md and docs/*.md', () => {
  it.each(documents)('%s: every link resolves inside the repository', (file) => {
    const links = markdownLinks(readFileSync(join(REPO_ROOT, file), 'utf8'));
    const broken = links.flatMap(({ line, target }) => {
      const why = problem(file, target);
      return why ? [`${file}:${line} ${target} ${why}`] : [];
    });
    expect(broken).toEqual([]);
  });

  it('the check itself finds links, and refuses what leaves a clone', () => {
    expect(markdownLinks('see [rules](docs/rules.md#the-rules-s1s24) and `[not](a-link)`\n```\n[nor](this)\n```\n[ref]: LICENSE').map((link) => link.target)).toEqual(['docs/rules.md#the-rules-s1s24', 'LICENSE']);
    expect(problem('README.md', 'docs/rules.md#the-rules-s1s24')).toBeNull();
    expect(problem('README.md', '../shared/seed/README.md')).toMatch(/outside/);
    expect(problem('docs/rules.md', '../README.md#glossary')).toBeNull();
    expect(problem('docs/rules.md', '../README.md#no-such-heading')).toMatch(/no heading/);
    expect(problem('README.md', 'file:///work/shared/contract/http-api.md')).toMatch(/leaves/);
    expect(problem('README.md', '/work/shared/seed/README.md')).toMatch(/absolute/);
    expect(problem('README.md', 'docs/missing.md')).toMatch(/nothing/);
    expect(problem('README.md', '#glossary')).toBeNull();
    expect(problem('README.md', '#no-such-heading')).toMatch(/no heading/);
    expect(headingAnchors('## 1. A merchant joins (S1–S14, S20)\n### Running one handler: `npm run invoke`\n## API\n## API')).toEqual(
      new Set(['1-a-merchant-joins-s1s14-s20', 'running-one-handler-npm-run-invoke', 'api', 'api-1']),
    );
  });
});

describe('docs/rules.md', () => {
  it('has one line for each rule S1–S24, in order, each saying what it means here', () => {
    const rows = readFileSync(join(REPO_ROOT, 'docs/rules.md'), 'utf8')
      .split('\n')
      .filter((line) => /^\| S\d+ \|/.test(line));
    expect(rows.map((row) => /^\| (S\d+) \|/.exec(row)?.[1])).toEqual(Array.from({ length: 24 }, (_, i) => `S${i + 1}`));
    for (const row of rows) expect(row.split('|').slice(1, -1).map((cell) => cell.trim()).filter(Boolean).length).toBeGreaterThanOrEqual(4);
  });

  it('is where the OpenAPI document sends a reader of its "Seed rules"', () => {
    expect((openApiDocument().info as { description: string }).description).toContain('docs/rules.md');
  });
});

/**
 * README.md stays true without running it (the full proof, which runs every
 * walkthrough block against `npm start` twice and after a restart, is
 * `npm run walkthrough`; it takes about a minute, too long for this suite):
 * - the walkthroughs follow ${PORT:-3000}, are valid bash, show the statuses
 *   their comments announce, never move the clock by the machine's time, and
 *   make new ids on every run, so that a second run meets no earlier data;
 * - every command block anywhere follows ${PORT:-3000};
 * - the API table lists every HTTP route of system/functions.ts, and no other.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../local/handlers.ts';
import { announcedErrorCodes, announcedStatuses, commands, walkthroughBlocks, walkthroughScript } from '../../local/readme-walkthroughs.ts';
import { TEST_CARDS } from '../../local/sandbox-pg.ts';
import { FUNCTIONS } from '../../system/functions.ts';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const blocks = walkthroughBlocks(readme);
const lines = commands(blocks);

/** The level-2 section `title` of the README, without its heading. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README.md has no "## ${title}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('the walkthroughs', () => {
  it('are the ```sh blocks of "## Walkthroughs", valid bash, starting from B=http://localhost:${PORT:-3000}', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(4);
    expect(blocks[0]?.code.split('\n')[0]).toBe('B=http://localhost:${PORT:-3000}');
    const syntax = spawnSync('bash', ['-n'], { input: walkthroughScript(blocks), encoding: 'utf8' });
    expect(syntax.stderr).toBe('');
    expect(syntax.status).toBe(0);
  });

  it('reach the system only through $B, LOCAL_URL=$B or PORT, never a fixed port', () => {
    for (const block of walkthroughBlocks(readme, 'Walkthroughs')) expect(block.code).not.toMatch(/localhost:\d/);
    expect(lines.filter((line) => line.includes('curl ') && !line.includes('$B'))).toEqual([]);
    expect(lines.filter((line) => line.includes('npm run invoke') && !/LOCAL_URL=\$B|PORT=/.test(line))).toEqual([]);
  });

  it('show the HTTP status wherever a comment announces one, and announce it wherever they show one', () => {
    const shown = announcedStatuses(blocks);
    expect(shown.length).toBeGreaterThanOrEqual(5);
    expect(shown.filter(({ status }) => !Number.isInteger(status))).toEqual([]);
    const announcedWithoutStatus = lines.filter((line) => /#\s*\d{3}\b/.test(line) && !line.includes("-w 'HTTP %{http_code}\\n'"));
    expect(announcedWithoutStatus).toEqual([]);
    // The stop answers at once and says so.
    expect(shown).toContainEqual(expect.objectContaining({ status: 202, command: expect.stringContaining('/admin/service/stop') }));
  });

  it('name every error they mean to show', () => {
    const codes = announcedErrorCodes(blocks);
    for (const code of ['FOREIGN_CARD_NOT_ALLOWED', 'NOT_FOUND']) expect(codes).toContain(code);
    for (const code of ['SHOP_ALREADY_EXISTS', 'ALREADY_APPLIED', 'NOT_UNDER_REVIEW', 'CLOCK_MOVE_REFUSED']) expect(codes).not.toContain(code);
  });

  it('can run again: new ids on every run, and every clock move counts from the simulated clock, not the machine’s', () => {
    const script = walkthroughScript(blocks);
    expect(script).toMatch(/^RUN=\$\(date \+%s\)/m);
    expect(script).toMatch(/^SHOP=[a-z-]*\$RUN$/m);
    // Shops, tokens, platform paths and contact addresses all derive from this run's ids.
    expect(script.match(/\\"shopId\\":\\"[^$]/g) ?? []).toEqual([]);
    expect(script.match(/\/platform\/shops\/(?!\$SHOP)[\w-]/g) ?? []).toEqual([]);
    expect(lines.flatMap((line) => [...line.matchAll(/tok (\w+) (\S+)/g)]).map((match) => match[2]).filter((shop) => shop !== '$SHOP' && shop !== 'platform')).toEqual([]);
    expect(script.match(/[\w.$]+@[\w.$-]+/g)?.filter((address) => !address.includes('$RUN') && !address.includes('$SHOP')) ?? []).toEqual([]);
    const clockMoves = lines.filter((line) => line.includes('/_local/clock') && line.includes('-X POST'));
    expect(clockMoves.length).toBeGreaterThanOrEqual(3);
    for (const move of clockMoves) expect(move).not.toMatch(/Date\.now|new Date\(\)|\$\(date/);
  });
});

describe('README.md', () => {
  it('follows ${PORT:-3000} in every command block, not only the walkthroughs', () => {
    const everyBlock = readme.split('\n## ').flatMap((part) => walkthroughBlocks(`## ${part}`, part.split('\n')[0]?.trim()));
    expect(everyBlock.length).toBeGreaterThan(blocks.length);
    expect(everyBlock.filter((block) => /localhost:\d/.test(block.code))).toEqual([]);
  });

  it('lists every HTTP route in its API table, and only routes that exist', () => {
    const rows = section('API')
      .split('\n')
      .filter((line) => /^\| (GET|POST|PUT|DELETE|PATCH)\b/.test(line));
    const routes = Object.values(FUNCTIONS).flatMap((fn) => (fn.kind === 'http' ? [{ method: fn.method, path: fn.path }] : []));
    const missing = routes.filter(({ method, path }) => !rows.some((row) => row.includes(`\`${path}\``) && new RegExp(`\\b${method}\\b`).test(row)));
    expect(missing).toEqual([]);
    const listed = rows.flatMap((row) => [...row.matchAll(/`(\/[^`?\s]*)`/g)].map((match) => match[1]));
    expect(listed.filter((path) => !routes.some((route) => route.path === path))).toEqual([]);
  });
});

describe('the sandbox test-card table', () => {
  const rows = [...readme.matchAll(/^\| (\d{4}-\d{4}-\d{4}-\d{4}) \| ([^|]+) \| ([^|]+) \|$/gm)].map(([, number, behaves, expires]) => ({
    digits: number!.replaceAll('-', ''),
    behaves: behaves!.trim(),
    expires: expires!.trim(),
  }));

  it('lists exactly the cards the sandbox PG knows', () => {
    expect(rows.map((row) => row.digits).sort()).toEqual(Object.keys(TEST_CARDS).sort());
  });

  it.each(Object.entries(TEST_CARDS))('states how %s behaves and when it expires', (digits, card) => {
    const row = rows.find((candidate) => candidate.digits === digits);
    expect(row?.behaves).toMatch(card.domestic ? /^domestic;/ : /^foreign;/);
    expect(row?.expires).toMatch(card.expiresIn === 1 ? /^at the end of the month after/ : new RegExp(`^${card.expiresIn} months after`));
  });
});

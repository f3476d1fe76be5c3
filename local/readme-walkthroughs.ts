/**
 * README.md's walkthroughs as a program reads them: every ```sh block of its
 * "Walkthroughs" section, in order, meant for one shell. `npm run walkthrough`
 * runs them; the suite checks them without running (test/unit/readme.test.ts).
 *
 * Conventions the blocks follow (and the checks hold them to):
 * - they run in one bash shell, in order, against `npm start` in another
 *   terminal, on ${PORT:-3000};
 * - a command that shows its HTTP status uses `curl -s -w 'HTTP %{http_code}\n'`
 *   and names the status it expects first in its comment (`# 202 …`);
 * - an error answer the reader is meant to see is named in a comment (its
 *   code, e.g. NOT_FOUND); any other error is a broken walkthrough.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const WALKTHROUGH_SECTION = 'Walkthroughs';

export interface ShellBlock {
  /** The nearest heading above the block. */
  readonly heading: string;
  /** 1-based line of the block's first command in the markdown file. */
  readonly line: number;
  readonly code: string;
}

/** The ```sh blocks under the level-2 heading `section`, in order. */
export function walkthroughBlocks(markdown: string, section = WALKTHROUGH_SECTION): ShellBlock[] {
  const blocks: ShellBlock[] = [];
  const lines = markdown.split('\n');
  let inSection = false;
  let heading = '';
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i] ?? '';
    const fence = /^(`{3,})(.*)$/.exec(line);
    if (fence) {
      // Skip to the closing fence, whatever the block holds.
      const start = i + 1;
      let end = start;
      while (end < lines.length && lines[end]?.trimEnd() !== fence[1]) end += 1;
      if (inSection && fence[2]?.trim() === 'sh') blocks.push({ heading, line: start + 1, code: lines.slice(start, end).join('\n') });
      i = end;
      continue;
    }
    const title = /^(#{2,6})\s+(.*)$/.exec(line);
    if (!title) continue;
    if (title[1] === '##') inSection = title[2]?.trim() === section;
    heading = title[2]?.trim() ?? '';
  }
  return blocks;
}

/** The walkthrough as one script, each block marked with where it comes from. */
export function walkthroughScript(blocks: readonly ShellBlock[]): string {
  return blocks.map((block) => `# --- README.md:${block.line} (${block.heading})\n${block.code}\n`).join('\n');
}

/** The statuses the blocks announce, in order: one per `-w 'HTTP %{http_code}\n'` command. */
export function announcedStatuses(blocks: readonly ShellBlock[]): Array<{ status: number; command: string }> {
  return commands(blocks)
    .filter((command) => command.includes("-w 'HTTP %{http_code}\\n'"))
    .map((command) => ({ status: Number(/#\s*(\d{3})\b/.exec(command)?.[1] ?? NaN), command }));
}

/** The error codes the blocks' comments name (SNAKE_CASE words of at least two parts, or NOT_FOUND-like). */
export function announcedErrorCodes(blocks: readonly ShellBlock[]): Set<string> {
  const codes = new Set<string>();
  for (const block of blocks) {
    for (const comment of block.code.matchAll(/#[^\n]*/g)) for (const code of comment[0].matchAll(/\b[A-Z]+(?:_[A-Z]+)+\b/g)) codes.add(code[0]);
  }
  return codes;
}

/** The blocks' commands: continuation lines joined, comment-only lines dropped. */
export function commands(blocks: readonly ShellBlock[]): string[] {
  const joined = blocks.map((block) => block.code.replace(/\\\n\s*/g, ' ')).join('\n');
  return joined.split('\n').filter((line) => line.trim() !== '' && !line.trim().startsWith('#'));
}

export function readReadme(root: string): string {
  return readFileSync(join(root, 'README.md'), 'utf8');
}

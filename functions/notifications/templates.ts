/**
 * Message templates are files (functions/notifications/templates/*.txt), not
 * strings in code: copy writers edit them without touching logic. They are
 * read once per container from beside this module (the CDK bundle copies the
 * folder next to index.mjs). Syntax: `{{name}}` placeholders; a mail
 * template's first line is `Subject: …`. A missing variable is an error, so a
 * typo never ships a message with a hole in it.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const folder = new URL('./templates/', import.meta.url);

const templates: ReadonlyMap<string, string> = new Map(
  readdirSync(fileURLToPath(folder))
    .filter((file) => file.endsWith('.txt'))
    .map((file) => [file.slice(0, -'.txt'.length), readFileSync(new URL(file, folder), 'utf8').replace(/\r\n/g, '\n').replace(/\n$/, '')]),
);

export type TemplateVars = Readonly<Record<string, string | number>>;

/** Fills a template's placeholders. */
export function render(name: string, vars: TemplateVars): string {
  const template = templates.get(name);
  if (template === undefined) throw new Error(`No template "${name}" in functions/notifications/templates`);
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (_match, key: string) => {
    const value = vars[key];
    if (value === undefined) throw new Error(`Template "${name}" needs {{${key}}}`);
    return String(value);
  });
}

/** A mail template: `Subject: …` on the first line, the body after a blank line. */
export function renderMail(name: string, vars: TemplateVars): { subject: string; text: string } {
  const [first, ...rest] = render(name, vars).split('\n');
  const subject = /^Subject:\s*(.*)$/.exec(first ?? '')?.[1];
  if (subject === undefined) throw new Error(`Mail template "${name}" must start with "Subject: "`);
  return { subject, text: rest.join('\n').replace(/^\n/, '') };
}

/** EUC-KR bytes (a domestic carrier's measure): functions/notifications/sms-parts.ts. */
export { eucKrBytes } from './sms-parts.ts';

/** One domestic Korean SMS: 90 EUC-KR bytes. Amazon SNS measures differently (sms-parts.ts snsSmsChannel). */
export const SMS_MAX_BYTES = 90;

/** Formats integer KRW the Korean way: 25000 → "25,000원". */
export function won(amount: number): string {
  return `${amount.toLocaleString('en-US')}원`;
}

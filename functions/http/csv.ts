/**
 * CSV for people who open it in Excel (the orders export, issue 13): RFC 4180 (CRLF line ends; a field with a
 * comma, quote, CR or LF quoted, its quotes doubled), UTF-8 with a byte-order mark — without it, Excel reads a
 * UTF-8 file as the system code page and Korean turns to mojibake — and a guard against formula injection
 * (OWASP "CSV Injection"): a cell that starts with `=`, `+`, `-`, `@`, a tab or a CR would be run as a formula
 * by a spreadsheet, so it is prefixed with `'`, which shows the text as typed. Numbers are written as numbers.
 */

export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One cell, guarded and quoted as needed. */
export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  const guarded = FORMULA_START.test(value) ? `'${value}` : value;
  return NEEDS_QUOTES.test(guarded) ? `"${guarded.replaceAll('"', '""')}"` : guarded;
}

/** The whole file: the byte-order mark, the header row, one row per record, each line ended by CRLF. */
export function toCsv(header: readonly string[], rows: ReadonlyArray<readonly CsvCell[]>): string {
  return `\uFEFF${[header, ...rows].map((row) => `${row.map(csvCell).join(',')}\r\n`).join('')}`;
}

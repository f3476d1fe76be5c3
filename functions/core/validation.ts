/**
 * The one home of zod for the runtime: zod/mini — the functional form, which
 * a bundler can shake to what a function uses (~20 KB, against ~95 KB for the
 * classic API) — with English messages, so that a 400's details and a refused
 * setting say what is wrong. Every runtime module imports it as
 * `import * as z from '…/core/validation.ts'` (a namespace import keeps it
 * shakeable; re-exporting a namespace object would not).
 */
import { config } from 'zod/mini';
import en from 'zod/v4/locales/en.js';

config(en());

export * from 'zod/mini';

/**
 * Issue 12: an operation's two sides (functions/api/operation.ts, functions/api/operation-docs.ts) are held
 * together by types, checked here by `npm run typecheck` (each `@ts-expect-error` fails the build if its error
 * ever goes away), and by the registries' contents at run time.
 */
import { describe, expect, it } from 'vitest';
import * as z from '../../functions/core/validation.ts';
import * as fn from '../../system/functions.ts';
import { httpFunctions } from '../../system/functions.ts';
import { docs } from '../../functions/api/docs.ts';
import { defineOperation } from '../../functions/api/operation.ts';
import type { OperationDocs } from '../../functions/api/operation-docs.ts';
import { operations } from '../../functions/api/operations.ts';

// An operation is filed under its own function's name: another function's route does not compile.
// @ts-expect-error -- route of retryCycle under the name checkOut
defineOperation('checkOut', { route: fn.retryCycle, status: 200 });
// @ts-expect-error -- not an HTTP function
defineOperation('chargeWorker', { route: fn.chargeWorker, status: 200 });

type Docs = typeof docs;
// The documentation of every operation is required, and so is a response schema for one that answers a body.
const { checkOut: _leftOut, ...withoutCheckOut } = docs;
// @ts-expect-error -- checkOut's documentation is missing
withoutCheckOut satisfies { readonly [K in keyof Docs]: OperationDocs };
const noBody: OperationDocs = { summary: 'x', errors: [] };
// @ts-expect-error -- checkOut answers a body (200): its docs must give the response schema
noBody satisfies Docs['checkOut'];
// @ts-expect-error -- deleteWebhook answers 204: no response schema
({ summary: 'x', errors: [], response: z.string() }) satisfies Docs['deleteWebhook'];

describe('every HTTP function has one operation and its documentation', () => {
  const names = httpFunctions().map(([name]) => name).sort();

  it('the request side, each under its own name and route', () => {
    expect(Object.keys(operations).sort()).toEqual(names);
    for (const [name, operation] of Object.entries(operations)) expect([name, operation.route]).toEqual([operation.name, fn.FUNCTIONS[name as keyof typeof fn.FUNCTIONS]]);
  });

  it('the documentation side, with a response schema exactly where the operation answers a body', () => {
    expect(Object.keys(docs).sort()).toEqual(names);
    const documentation: Record<string, OperationDocs> = docs;
    const mismatched = Object.values(operations).filter((operation) => (operation.status === 204) !== (documentation[operation.name]!.response === undefined));
    expect(mismatched.map((operation) => operation.name)).toEqual([]);
  });
});

/**
 * Sample events: one JSON file per function under events/, named after it in
 * kebab-case (createShop → events/create-shop.json). Tests and `npm run
 * invoke` load them through this one typed helper.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { SQSEvent } from 'aws-lambda';
import { FUNCTIONS, type FunctionDefinition, type FunctionName, type ScheduledRunEvent } from '../system/functions.ts';
import type { HttpEvent } from '../functions/http/http-handler.ts';
import { REPO_ROOT } from './handlers.ts';

export type SampleEvent<K extends FunctionName> = (typeof FUNCTIONS)[K]['kind'] extends 'http'
  ? HttpEvent
  : (typeof FUNCTIONS)[K]['kind'] extends 'queue'
    ? SQSEvent
    : ScheduledRunEvent;

export function sampleEventPath(name: FunctionName): string {
  return `events/${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.json`;
}

/** Reads an event file (relative to the repository root or absolute) and checks it fits the function's trigger. */
export function loadEvent<K extends FunctionName>(name: K, file: string = sampleEventPath(name)): SampleEvent<K> {
  const event = JSON.parse(readFileSync(isAbsolute(file) ? file : join(REPO_ROOT, file), 'utf8')) as Record<string, unknown>;
  const definition: FunctionDefinition = FUNCTIONS[name];
  if (definition.kind === 'http') {
    const routeKey = `${definition.method} ${definition.path}`;
    if (event.version !== '2.0' || event.routeKey !== routeKey) throw new Error(`${file} is not an API Gateway v2 event for ${routeKey}`);
  } else if (definition.kind === 'queue') {
    const records = event.Records;
    if (!Array.isArray(records) || records.length === 0 || !records.every((record: { eventSource?: unknown; body?: unknown }) => record.eventSource === 'aws:sqs' && typeof record.body === 'string')) {
      throw new Error(`${file} is not an SQS event ({"Records": [{"eventSource": "aws:sqs", "body": "...", ...}]})`);
    }
  } else if (typeof event.scheduledTime !== 'string') {
    throw new Error(`${file} is not a scheduled-run event ({"scheduledTime": "..."})`);
  }
  return event as unknown as SampleEvent<K>;
}

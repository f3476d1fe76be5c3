import { Logger, type LogItem } from '@aws-lambda-powertools/logger';
import type { ConstructorOptions } from '@aws-lambda-powertools/logger/types';
import { LOG_FORMAT_ENV, parseLogFormat } from '../../system/settings.ts';

/** Keys every Powertools line carries that a person at a terminal does not need to read. */
const QUIET_KEYS = new Set(['timestamp', 'level', 'message', 'service', 'sampling_rate', 'xray_trace_id', 'function_arn', 'function_memory_size', 'function_name', 'cold_start', 'function_request_id']);

/**
 * Powertools Logger printing one readable line per entry (`npm start`, LOG_FORMAT=text):
 * `10:31:02 INFO  checkOut  Card registered  provider=tosspayments last4="0001"`. In AWS the JSON lines stay.
 */
export class ReadableLogger extends Logger {
  protected override createLogger(options?: ConstructorOptions): ReadableLogger {
    return new ReadableLogger(options);
  }

  protected override printLog(logLevel: number, log: LogItem): void {
    const attributes = log.getAttributes() as Record<string, unknown>;
    const time = String(attributes.timestamp ?? new Date().toISOString()).slice(11, 19);
    const extras = Object.entries(attributes)
      .filter(([key, value]) => !QUIET_KEYS.has(key) && value !== undefined)
      .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value instanceof Error ? { name: value.name, message: value.message } : value)}`);
    const line = [`${time} ${String(attributes.level).padEnd(5)}`, attributes.function_name ?? '', attributes.message, ...extras].filter((part) => part !== '').join('  ');
    (logLevel >= 20 ? process.stderr : process.stdout).write(`${line}\n`);
  }
}

/**
 * One structured logger per container. Never log a request body or a PG
 * response whole: they may carry billing keys (see redact in the HTTP adapter).
 */
const options = { serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'subscriptions' };
export const logger: Logger = parseLogFormat(process.env[LOG_FORMAT_ENV]) === 'text' ? new ReadableLogger(options) : new Logger(options);

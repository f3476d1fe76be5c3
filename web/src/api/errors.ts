/**
 * The API's error body (`{error: {code, message, details}}`) as an exception
 * the pages catch, with the Korean sentence a person reads.
 */
export interface ErrorDetail {
  readonly path?: string;
  readonly message?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly apiMessage: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(apiMessage);
    this.name = 'ApiError';
  }
}

function isErrorBody(body: unknown): body is { error: { code: string; message: string; details?: ErrorDetail[] } } {
  const error = (body as { error?: { code?: unknown } } | null)?.error;
  return typeof error?.code === 'string';
}

/** An ApiError from any failed answer (a body without our shape, or none, still gets one). */
export function apiErrorFrom(status: number, body: unknown): ApiError {
  if (isErrorBody(body)) return new ApiError(status, body.error.code, body.error.message, body.error.details ?? []);
  return new ApiError(status, status >= 500 ? 'INTERNAL_ERROR' : `HTTP_${status}`, `HTTP ${status}`);
}


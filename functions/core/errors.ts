/**
 * Domain errors carry a stable `code` and the HTTP status the contract gives
 * them; functions/http/http-handler.ts is the one place that turns them into
 * responses. Anything that is not an AppError becomes a generic 500.
 */

export interface ErrorDetail {
  readonly path: string;
  readonly message: string;
}

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends AppError {
  constructor(details: readonly ErrorDetail[], message = 'The request is not valid.') {
    super(400, 'VALIDATION_FAILED', message, details);
  }
}

export class Unauthenticated extends AppError {
  constructor(message = 'A valid bearer token is required.') {
    super(401, 'UNAUTHENTICATED', message);
  }
}

export class Forbidden extends AppError {
  constructor(message = 'This token may not call this endpoint.') {
    super(403, 'FORBIDDEN', message);
  }
}

/** Also used for another shop's or another customer's resources, so nothing leaks. */
export class NotFound extends AppError {
  constructor(what: string) {
    super(404, 'NOT_FOUND', `${what} was not found.`);
  }
}

/** A business rule refused the request because of the current state (409). */
export class Conflict extends AppError {
  constructor(code: string, message: string) {
    super(409, code, message);
  }
}

/** A business rule refused the request because of what it asks for (422). */
export class Unprocessable extends AppError {
  constructor(code: string, message: string, details: readonly ErrorDetail[] = []) {
    super(422, code, message, details);
  }
}

/** A list cursor that this list never produced (crafted, garbled, or from another query or shop). */
export class InvalidCursor extends AppError {
  constructor() {
    super(400, 'INVALID_CURSOR', 'This cursor does not belong to this list; start again without it.', [{ path: 'query.cursor', message: 'Not a cursor of this list.' }]);
  }
}

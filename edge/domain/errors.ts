import type { ErrorCode } from '../../shared/errors';

/**
 * The one error the domain throws. It carries a stable code from the shared closed set;
 * the HTTP layer maps the code to a status. `message` is safe to show: never a secret.
 */
export class AppError extends Error {
  /** The input at fault as a dot path ("people.1"), where the client can point at it. */
  field?: string;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }

  /** The same error, pointing at one input. */
  at(field: string): this {
    this.field = field;
    return this;
  }
}

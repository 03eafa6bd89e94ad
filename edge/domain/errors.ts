import type { ErrorCode } from '../../shared/errors';

/**
 * The one error the domain throws. It carries a stable code from the shared closed set;
 * the HTTP layer maps the code to a status. `message` is safe to show: never a secret.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

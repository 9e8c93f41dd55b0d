/**
 * The one error type of the API. Every refusal the caller can act on is an AppError with a stable
 * machine-readable `code`; the single error handler in http.ts turns it into
 * `{ error: { code, message, details?, requestId } }` with `status`.
 */
import type { ErrorCode } from './error-codes.ts';

export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const badRequest = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(400, code, message, details);
export const unauthorized = (code: ErrorCode, message: string) => new AppError(401, code, message);
export const forbidden = (code: ErrorCode, message: string) => new AppError(403, code, message);
export const notFound = (code: ErrorCode, message: string) => new AppError(404, code, message);
export const conflict = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(409, code, message, details);
/** A well-formed request that a business rule refuses. */
export const unprocessable = (code: ErrorCode, message: string, details?: Record<string, unknown>) =>
  new AppError(422, code, message, details);

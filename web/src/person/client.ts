/** The person app's calls, as the signed-in person. */
import { ApiError, api, type RequestOptions } from '../shared/api.ts';
import { beijingDateTime } from '../shared/dates.ts';

export const call = <T = unknown>(path: string, opts?: RequestOptions): Promise<T> =>
  api<T>('person', path, opts);

/** The seconds left until `expiresAtMs` (local clock), never negative. */
export const secondsLeft = (expiresAtMs: number, nowMs: number): number =>
  Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));

/** A date-time from the API as its Beijing date and minute, as receipts print it. */
export const formatTime = (iso: string): string => beijingDateTime(iso);

/**
 * An invalid ID number refusal says what is wrong with the number (`details.problem`): give it a code of its
 * own (`id_check_character`, …) so the screen can say it in the reader's language, next to the same field.
 */
export function withIdProblem(err: unknown): unknown {
  if (!(err instanceof ApiError) || err.code !== 'invalid_id_number') return err;
  const problem = err.details.problem;
  if (typeof problem !== 'string') return err;
  return new ApiError(err.status, `id_${problem}`, err.message, err.details);
}

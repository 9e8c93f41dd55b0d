/** The person app's calls, as the signed-in person. */
import { api, type RequestOptions } from '../shared/api.ts';

export const call = <T = unknown>(path: string, opts?: RequestOptions): Promise<T> =>
  api<T>('person', path, opts);

/** The seconds left until `expiresAtMs` (local clock), never negative. */
export const secondsLeft = (expiresAtMs: number, nowMs: number): number =>
  Math.max(0, Math.ceil((expiresAtMs - nowMs) / 1000));

/** A date-time from the API as the reader's local date and minute. */
export const formatTime = (iso: string): string => {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
};

import { ApiError } from '../shared/api.ts';
import { call } from './client.ts';
import type { Ecard } from '../shared/types.ts';

/** The person's e-card, or null when they have none yet (the API's 404 `ecard_not_found`). */
export async function loadEcard(): Promise<Ecard | null> {
  try {
    return await call<Ecard>('/v1/me/ecard');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'ecard_not_found') return null;
    throw err;
  }
}

export type NextStep = 'verify' | 'apply' | 'activate' | 'payment' | null;

/** What the person still has to do before they can pay with the QR code. */
export function nextStep(identityVerified: boolean, ecard: Ecard | null): NextStep {
  if (!identityVerified) return 'verify';
  if (!ecard || ecard.status === 'revoked') return 'apply';
  if (ecard.status === 'applied') return 'activate';
  if (!ecard.paymentOpen) return 'payment';
  return null;
}

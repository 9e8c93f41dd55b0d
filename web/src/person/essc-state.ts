import { ApiError } from '../shared/api.ts';
import { call } from './client.ts';
import type { Essc, EsscChannel, Bank } from './types.ts';

/** The e-SSC channels in the order the screens offer them. */
export const ESSC_CHANNELS = [
  'wechat',
  'official_account',
  'app',
  'alipay',
  'bank_app',
] as const satisfies readonly EsscChannel[];

/** The banks of a social security card's financial function, in the order the screen offers them. */
export const BANKS = ['icbc', 'abc', 'boc', 'ccb', 'bocom', 'psbc', 'cmb'] as const satisfies readonly Bank[];

/** The person's e-SSC, or null when they have none yet (the API's 404 `essc_not_found`). */
export async function loadEssc(): Promise<Essc | null> {
  try {
    return await call<Essc>('/v1/me/essc');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'essc_not_found') return null;
    throw err;
  }
}

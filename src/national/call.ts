/** What every national transaction is given, and what it is: the shared types of src/national. */
import type { Caller, Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import type { Lang } from '../i18n/index.ts';
import type { QrKeySets } from '../qr/store.ts';
import type { Envelope } from './envelope.ts';

export interface Institution {
  id: string;
  code: string;
  name: string;
  kind: 'hospital' | 'pharmacy';
  regionCode: string;
}

/** One message being answered. */
export interface Call {
  ctx: Ctx;
  keys: QrKeySets;
  terminal: Caller;
  institution: Institution;
  env: Envelope;
  /** The input, decrypted when `enc_type` is SM4. */
  input: unknown;
  /** The reader's language, for the texts an output carries (the core's explanations). */
  lang: Lang;
}

/**
 * A transaction: `local` ones write only this gateway's tables and run in one transaction with the stored
 * answer (`q` is that transaction); the others call the core, which has its own transactions and
 * idempotency keys (`q` is the store). A `reversible` one (2601 can reverse it) records its msgid before it
 * runs, so that a reversal finds it whether or not it committed.
 */
export interface Transaction {
  local: boolean;
  reversible?: boolean;
  run(c: Call, q: Queryable): Promise<unknown>;
}

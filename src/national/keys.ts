import type { Queryable } from '../platform/db.ts';
import { badRequest, notFound } from '../platform/errors.ts';
import { seal, unseal } from '../platform/secrets.ts';
import { SM2_PUBLIC_KEY, isSm4Key, newSm4Key } from './crypto.ts';

export interface NationalKeyView {
  institutionId: string;
  fixmedinsCode: string;
  sm2PublicKey: string;
  /** The SM4 key of `enc_type: SM4` messages, given to the institution for its HIS. */
  sm4Key: string;
  registeredAt: string;
}

/**
 * Registers (or replaces) an institution's SM2 public key, and its SM4 key: the one given, or a fresh
 * random one. The SM4 key is stored sealed with the server's secret key.
 */
export async function registerNationalKey(
  q: Queryable,
  secretKey: Buffer,
  o: { institutionId: string; sm2PublicKey: string; sm4Key?: string; by: string; now: Date },
): Promise<NationalKeyView> {
  if (!SM2_PUBLIC_KEY.test(o.sm2PublicKey))
    throw badRequest(
      'validation_failed',
      'The SM2 public key is 130 hex characters: 04 then x and y (32 bytes each)',
      { field: 'sm2PublicKey' },
    );
  if (o.sm4Key !== undefined && !isSm4Key(o.sm4Key))
    throw badRequest('validation_failed', 'An SM4 key is 32 hex characters (16 bytes)', { field: 'sm4Key' });
  const { rows } = await q.query<{ code: string }>('select code from institutions where id = $1', [
    o.institutionId,
  ]);
  if (!rows[0]) throw notFound('institution_not_found', 'No such institution');
  const sm4Key = (o.sm4Key ?? newSm4Key()).toLowerCase();
  const publicKey = o.sm2PublicKey.toLowerCase();
  await q.query(
    `insert into national_keys (institution_id, sm2_public_key, sm4_key_sealed, registered_by, registered_at)
     values ($1, $2, $3, $4, $5)
     on conflict (institution_id) do update set sm2_public_key = excluded.sm2_public_key,
       sm4_key_sealed = excluded.sm4_key_sealed, registered_by = excluded.registered_by,
       registered_at = excluded.registered_at`,
    [o.institutionId, publicKey, seal(secretKey, sm4Key), o.by, o.now],
  );
  return {
    institutionId: o.institutionId,
    fixmedinsCode: rows[0].code,
    sm2PublicKey: publicKey,
    sm4Key,
    registeredAt: o.now.toISOString(),
  };
}

/** The institution's registered keys, or null. */
export async function nationalKeyOf(
  q: Queryable,
  secretKey: Buffer,
  institutionId: string,
): Promise<{ sm2PublicKey: string; sm4Key: string } | null> {
  const { rows } = await q.query<{ sm2_public_key: string; sm4_key_sealed: string }>(
    'select sm2_public_key, sm4_key_sealed from national_keys where institution_id = $1',
    [institutionId],
  );
  const r = rows[0];
  return r ? { sm2PublicKey: r.sm2_public_key, sm4Key: unseal(secretKey, r.sm4_key_sealed) } : null;
}

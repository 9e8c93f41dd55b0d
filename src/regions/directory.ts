import type { NatsConnection } from 'nats';
import type { Db } from '../platform/db.ts';
import { createVerifier, type Jwks } from '../qr/verifier.ts';
import { decodeToken, keySetOf, type KeySet, type TokenClaims } from '../qr/token.ts';
import type { QrKeySets } from '../qr/store.ts';
import type { RegionEntry } from './hub.ts';
import { subjects } from './nats.ts';
import { ask } from './rpc.ts';

/**
 * Key federation, the region's side: it publishes its own public QR keys (both key sets) to the hub, and keeps
 * every other region's in `region_keys`, refreshed from the hub's directory, so that a code signed by another
 * region verifies at this region's tills offline — through a hub outage and across restarts.
 */
export async function publishKeys(
  nc: NatsConnection,
  self: { code: string; name: string },
  keys: QrKeySets,
  now: Date,
  timeoutMs: number,
): Promise<void> {
  const entry: RegionEntry = {
    ...self,
    ecard: (await keys.ecard.get(now)).toJwks(now),
    essc: (await keys.essc.get(now)).toJwks(now),
  };
  await ask(nc, 'hub', subjects.hubKeys, entry, timeoutMs);
}

/** Fetches the directory and stores the other regions (and their keys); returns their codes. */
export async function refreshDirectory(
  db: Db,
  nc: NatsConnection,
  self: string,
  now: Date,
  timeoutMs: number,
): Promise<string[]> {
  const { regions } = await ask<{ regions: RegionEntry[] }>(nc, 'hub', subjects.hubDirectory, {}, timeoutMs);
  const others = regions.filter((r) => r.code !== self);
  await db.transaction(async (tx) => {
    for (const r of others) {
      await tx.query('insert into regions (code, name) values ($1, $2) on conflict (code) do nothing', [
        r.code,
        r.name,
      ]);
      for (const [set, jwks] of [
        ['ecard', r.ecard],
        ['essc', r.essc],
      ] as const) {
        await tx.query(
          `insert into region_keys (region_code, key_set, jwks, fetched_at) values ($1, $2, $3, $4)
           on conflict (region_code, key_set) do update set jwks = excluded.jwks, fetched_at = excluded.fetched_at`,
          [r.code, set, JSON.stringify(jwks), now],
        );
      }
    }
  });
  return others.map((r) => r.code);
}

/** Which region's keys signed a code, from the stored directory (cached in memory for a few seconds). */
export class ForeignKeys {
  #byKid = new Map<string, { region: string; keySet: KeySet; jwks: Jwks }>();
  #loadedAt = 0;

  constructor(
    private readonly db: Db,
    private readonly maxAgeMs = 5_000,
  ) {}

  /** Forgets the cache (after a refresh from the hub). */
  reset(): void {
    this.#loadedAt = 0;
  }

  async #load(): Promise<void> {
    if (Date.now() - this.#loadedAt < this.maxAgeMs) return;
    const { rows } = await this.db.query<{ region_code: string; key_set: KeySet; jwks: Jwks }>(
      'select region_code, key_set, jwks from region_keys',
    );
    const map = new Map<string, { region: string; keySet: KeySet; jwks: Jwks }>();
    for (const r of rows)
      for (const k of r.jwks.keys)
        if (k.kid)
          map.set(`${r.key_set}:${k.kid}`, { region: r.region_code, keySet: r.key_set, jwks: r.jwks });
    this.#byKid = map;
    this.#loadedAt = Date.now();
  }

  /** The other region whose key signed this code text, or null (this region's own code, or not a code). */
  async regionOf(text: string): Promise<string | null> {
    let keySet: KeySet;
    let kid: string;
    try {
      keySet = keySetOf(text);
      kid = decodeToken(text, keySet).kid;
    } catch {
      return null;
    }
    await this.#load();
    return this.#byKid.get(`${keySet}:${kid}`)?.region ?? null;
  }

  /** Verifies a code of another region offline (signature and time); throws the QR refusals. */
  async verify(
    text: string,
    now: Date,
    clockSkewSeconds: number,
  ): Promise<{ region: string; claims: TokenClaims }> {
    const keySet = keySetOf(text);
    const kid = decodeToken(text, keySet).kid;
    await this.#load();
    const hit = this.#byKid.get(`${keySet}:${kid}`)!;
    return {
      region: hit.region,
      claims: createVerifier(hit.jwks, { keySet, clockSkewSeconds }).verify(text, now),
    };
  }
}

import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { assertRegion } from '../people/store.ts';

type OfficeKind = 'county_centre' | 'service_point' | 'window';
export interface Office {
  id: string;
  regionCode: string;
  name: string;
  kind: OfficeKind;
}

export async function createOffice(q: Queryable, o: Omit<Office, 'id'>): Promise<Office> {
  await assertRegion(q, o.regionCode);
  const id = randomUUID();
  await q.query('insert into offices (id, region_code, name, kind) values ($1, $2, $3, $4)', [
    id,
    o.regionCode,
    o.name,
    o.kind,
  ]);
  return { id, ...o };
}

export async function listOffices(q: Queryable, regionCode?: string): Promise<Office[]> {
  const { rows } = await q.query<{ id: string; region_code: string; name: string; kind: OfficeKind }>(
    `select id, region_code, name, kind from offices where ($1::text is null or region_code = $1) order by region_code, name`,
    [regionCode ?? null],
  );
  return rows.map((r) => ({ id: r.id, regionCode: r.region_code, name: r.name, kind: r.kind }));
}

import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Caller, Ctx } from '../platform/context.ts';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation } from '../platform/db.ts';
import { conflict, forbidden, notFound, unprocessable } from '../platform/errors.ts';
import { assertRegion } from '../people/store.ts';

type InstitutionKind = 'hospital' | 'pharmacy';
export type InstitutionStatus = 'designated' | 'suspended';

export interface Institution {
  id: string;
  code: string;
  name: string;
  kind: InstitutionKind;
  tier: number | null;
  regionCode: string;
  acceptsEcard: boolean;
  status: InstitutionStatus;
}

interface Row {
  id: string;
  code: string;
  name: string;
  kind: InstitutionKind;
  tier: number | null;
  region_code: string;
  accepts_ecard: boolean;
  status: InstitutionStatus;
}

const COLUMNS = 'id, code, name, kind, tier, region_code, accepts_ecard, status';
const toInstitution = (r: Row): Institution => ({
  id: r.id,
  code: r.code,
  name: r.name,
  kind: r.kind,
  tier: r.tier,
  regionCode: r.region_code,
  acceptsEcard: r.accepts_ecard,
  status: r.status,
});

/** Hospitals are coded H…, pharmacies P…, then 11 digits (the national fixmedins code). */
const INSTITUTION_CODE = /^[HP]\d{11}$/;

export interface NewInstitution {
  code: string;
  name: string;
  kind: InstitutionKind;
  tier?: number;
  regionCode: string;
  acceptsEcard?: boolean;
}

export async function createInstitution(q: Queryable, i: NewInstitution): Promise<Institution> {
  if (!INSTITUTION_CODE.test(i.code) || (i.code[0] === 'H') !== (i.kind === 'hospital')) {
    throw unprocessable(
      'invalid_institution_code',
      'The code is H (hospital) or P (pharmacy) followed by 11 digits',
      {
        field: 'code',
      },
    );
  }
  if (i.kind === 'hospital' && !i.tier)
    throw unprocessable('tier_required', 'A hospital has a tier (1, 2 or 3)', { field: 'tier' });
  if (i.kind === 'pharmacy' && i.tier)
    throw unprocessable('tier_not_allowed', 'A pharmacy has no tier', { field: 'tier' });
  await assertRegion(q, i.regionCode);
  const id = randomUUID();
  try {
    await q.query(
      `insert into institutions (id, code, name, kind, tier, region_code, accepts_ecard) values ($1, $2, $3, $4, $5, $6, $7)`,
      [id, i.code, i.name, i.kind, i.tier ?? null, i.regionCode, i.acceptsEcard ?? true],
    );
  } catch (err) {
    if (isUniqueViolation(err))
      throw conflict('institution_exists', `An institution with code ${i.code} is already registered`);
    throw err;
  }
  return getInstitution(q, id);
}

export async function getInstitution(q: Queryable, id: string): Promise<Institution> {
  const { rows } = await q.query<Row>(`select ${COLUMNS} from institutions where id = $1`, [id]);
  if (!rows[0]) throw notFound('institution_not_found', 'No such institution');
  return toInstitution(rows[0]);
}

export async function listInstitutions(
  q: Queryable,
  f: { regionCode?: string; status?: InstitutionStatus },
): Promise<Institution[]> {
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from institutions where ($1::text is null or region_code = $1) and ($2::text is null or status = $2)
      order by code limit 1000`,
    [f.regionCode ?? null, f.status ?? null],
  );
  return rows.map(toInstitution);
}

export async function updateInstitution(
  q: Queryable,
  id: string,
  patch: { status?: InstitutionStatus; acceptsEcard?: boolean; name?: string },
): Promise<Institution> {
  await getInstitution(q, id);
  await q.query(
    `update institutions set status = coalesce($2, status), accepts_ecard = coalesce($3, accepts_ecard), name = coalesce($4, name)
      where id = $1`,
    [id, patch.status ?? null, patch.acceptsEcard ?? null, patch.name ?? null],
  );
  return getInstitution(q, id);
}

// ---------------------------------------------------------------------------------------------------
// Terminals

export interface Terminal {
  id: string;
  institutionId: string;
  name: string;
  status: 'active' | 'revoked';
  createdAt: string;
  revokedAt: string | null;
  lastSeenAt: string | null;
}

interface TerminalRow {
  id: string;
  institution_id: string;
  name: string;
  status: 'active' | 'revoked';
  created_at: Date;
  revoked_at: Date | null;
  last_seen_at: Date | null;
}

const toTerminal = (r: TerminalRow): Terminal => ({
  id: r.id,
  institutionId: r.institution_id,
  name: r.name,
  status: r.status,
  createdAt: r.created_at.toISOString(),
  revokedAt: r.revoked_at?.toISOString() ?? null,
  lastSeenAt: r.last_seen_at?.toISOString() ?? null,
});

const sha256 = (s: string) => createHash('sha256').update(s).digest();
const TERMINAL_TOKEN = /^ybt_([0-9a-f]{32})_([A-Za-z0-9_-]{43})$/;

/** Creates a terminal; its credential is returned this once and only its hash is kept. */
export async function createTerminal(
  q: Queryable,
  now: Date,
  institutionId: string,
  name: string,
  createdBy: string,
): Promise<{ terminal: Terminal; credential: string }> {
  const id = randomUUID();
  const secret = randomBytes(32).toString('base64url');
  await q.query(
    `insert into terminals (id, institution_id, name, secret_hash, created_by, created_at) values ($1, $2, $3, $4, $5, $6)`,
    [id, institutionId, name, sha256(secret).toString('hex'), createdBy, now],
  );
  return {
    terminal: await getTerminal(q, institutionId, id),
    credential: `ybt_${id.replace(/-/g, '')}_${secret}`,
  };
}

export async function getTerminal(q: Queryable, institutionId: string, id: string): Promise<Terminal> {
  const { rows } = await q.query<TerminalRow>(
    'select id, institution_id, name, status, created_at, revoked_at, last_seen_at from terminals where id = $1 and institution_id = $2',
    [id, institutionId],
  );
  if (!rows[0]) throw notFound('terminal_not_found', 'No such terminal at your institution');
  return toTerminal(rows[0]);
}

export async function listTerminals(q: Queryable, institutionId: string): Promise<Terminal[]> {
  const { rows } = await q.query<TerminalRow>(
    'select id, institution_id, name, status, created_at, revoked_at, last_seen_at from terminals where institution_id = $1 order by created_at, id',
    [institutionId],
  );
  return rows.map(toTerminal);
}

export async function revokeTerminal(ctx: Ctx, institutionId: string, id: string): Promise<Terminal> {
  const t = await getTerminal(ctx.db, institutionId, id);
  if (t.status === 'revoked') throw conflict('terminal_revoked', 'The terminal is already revoked');
  await ctx.db.query(`update terminals set status = 'revoked', revoked_at = $2 where id = $1`, [id, ctx.now]);
  return getTerminal(ctx.db, institutionId, id);
}

/**
 * Resolves a terminal credential (`ybt_<terminal id>_<secret>`) to its caller, or null when unknown or revoked.
 * A terminal of a suspended institution is refused outright: it can do nothing.
 */
export async function resolveTerminal(q: Queryable, token: string, now: Date): Promise<Caller | null> {
  const m = TERMINAL_TOKEN.exec(token);
  if (!m) return null;
  const id = m[1]!.replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5');
  const { rows } = await q.query<{
    secret_hash: string;
    status: string;
    institution_id: string;
    region_code: string;
    inst_status: string;
    accepts_ecard: boolean;
  }>(
    `select t.secret_hash, t.status, t.institution_id, i.region_code, i.status as inst_status, i.accepts_ecard
       from terminals t join institutions i on i.id = t.institution_id where t.id = $1`,
    [id],
  );
  const t = rows[0];
  if (!t || t.status !== 'active') return null;
  const expected = Buffer.from(t.secret_hash, 'hex');
  if (!timingSafeEqual(sha256(m[2]!), expected)) return null;
  if (t.inst_status === 'suspended')
    throw forbidden('institution_suspended', 'The institution is suspended and can do nothing');
  void now;
  return {
    userId: id,
    role: 'terminal',
    personId: null,
    employerId: null,
    officeId: null,
    institutionId: t.institution_id,
    terminalId: id,
    regionCode: t.region_code,
    acceptsEcard: t.accepts_ecard,
  };
}

// ---------------------------------------------------------------------------------------------------
// Scan audit trail

export interface ScanEntry {
  institutionId: string;
  terminalId: string;
  regionCode: string;
  at: Date;
  method: 'qr' | 'card';
  outcome: 'accepted' | 'refused';
  reason: string | null;
  ecardId?: string | null;
  personId?: string | null;
  /** A code of another region's person (src/regions): its region and the masked identity it answered. */
  crossRegion?: CrossRegionScan | null;
}

interface CrossRegionScan {
  insuredRegion: string;
  maskedName: string | null;
  maskedIdNumber: string | null;
}

/** Writes one scan to the audit trail (no ID number or name in clear, ever). */
export async function recordScan(q: Queryable, e: ScanEntry): Promise<void> {
  await q.query(
    `insert into scan_audit (id, institution_id, terminal_id, region_code, at, method, outcome, reason, ecard_id, person_id,
       insured_region, masked_name, masked_id_number)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
    [
      randomUUID(),
      e.institutionId,
      e.terminalId,
      e.regionCode,
      e.at,
      e.method,
      e.outcome,
      e.reason,
      e.ecardId ?? null,
      e.personId ?? null,
      e.crossRegion?.insuredRegion ?? null,
      e.crossRegion?.maskedName ?? null,
      e.crossRegion?.maskedIdNumber ?? null,
    ],
  );
}

export interface ScanAuditView {
  id: string;
  institutionId: string;
  terminalId: string;
  at: string;
  method: 'qr' | 'card';
  outcome: 'accepted' | 'refused';
  reason: string | null;
  ecardId: string | null;
  personId: string | null;
  crossRegion: CrossRegionScan | null;
}

export async function queryScanAudit(
  q: Queryable,
  f: {
    regionCode?: string;
    institutionId?: string;
    terminalId?: string;
    outcome?: string;
    from?: string;
    to?: string;
    limit: number;
  },
): Promise<ScanAuditView[]> {
  const { rows } = await q.query<{
    id: string;
    institution_id: string;
    terminal_id: string;
    at: Date;
    method: 'qr' | 'card';
    outcome: 'accepted' | 'refused';
    reason: string | null;
    ecard_id: string | null;
    person_id: string | null;
    insured_region: string | null;
    masked_name: string | null;
    masked_id_number: string | null;
  }>(
    `select id, institution_id, terminal_id, at, method, outcome, reason, ecard_id, person_id, insured_region,
            masked_name, masked_id_number from scan_audit
      where ($1::text is null or region_code = $1) and ($2::uuid is null or institution_id = $2)
        and ($3::uuid is null or terminal_id = $3) and ($4::text is null or outcome = $4)
        and ($5::timestamptz is null or at >= $5) and ($6::timestamptz is null or at < $6)
      order by at desc, id limit $7`,
    [
      f.regionCode ?? null,
      f.institutionId ?? null,
      f.terminalId ?? null,
      f.outcome ?? null,
      f.from ?? null,
      f.to ?? null,
      f.limit,
    ],
  );
  return rows.map((r) => ({
    id: r.id,
    institutionId: r.institution_id,
    terminalId: r.terminal_id,
    at: r.at.toISOString(),
    method: r.method,
    outcome: r.outcome,
    reason: r.reason,
    ecardId: r.ecard_id,
    personId: r.person_id,
    crossRegion: r.insured_region
      ? { insuredRegion: r.insured_region, maskedName: r.masked_name, maskedIdNumber: r.masked_id_number }
      : null,
  }));
}

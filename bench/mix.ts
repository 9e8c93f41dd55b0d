/**
 * The settlement workload both stores are measured with: C concurrent tills for S seconds, three in four a
 * pharmacy (outpatient bills of 1-5 items), one in four a hospital (inpatient bills of 20-100 items) — or,
 * in the pharmacy-only mix, every till a pharmacy; 10% of requests are estimates, 2% refunds of an earlier
 * settlement; every payment carries its own QR token (signed before the timed phase, `signTokens`), an
 * Idempotency-Key and the payment PIN. How a request reaches the app (HTTP, or `app.inject` in the same
 * process) is the caller's `send`.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/platform/db.ts';
import { createInstitution, createTerminal } from '../src/institutions/store.ts';
import { createUser } from '../src/accounts/store.ts';
import type { KeyRing } from '../src/qr/keyring.ts';
import { DEFAULT_TTL_SECONDS, MAX_TTL_SECONDS, issueToken } from '../src/qr/token.ts';
import { prng } from '../src/demo/synthetic.ts';
import { CATALOGUE_KINDS } from '../src/catalogue/rows.ts';
import { loadCatalogue } from '../src/catalogue/store.ts';
import { insertApprovedMappings } from '../src/catalogue/mappings.ts';
import { demoCatalogueRows } from '../src/demo/catalogue.ts';

export const PIN = '123456';

export interface Till {
  kind: string;
  token: string;
}

export type Send = (req: {
  url: string;
  token: string;
  idempotencyKey?: string;
  body: unknown;
}) => Promise<{ status: number; body: { id?: string; error?: { code: string } } }>;

/** `realistic`: three pharmacies to one hospital; `pharmacy`: every till a pharmacy (bills of 1-5 items). */
export type MixName = 'realistic' | 'pharmacy';

export interface MixResult {
  mix: MixName;
  clients: number;
  seconds: number;
  settlements: number;
  /** Settlements of inpatient bills (20-100 items) and of outpatient ones (1-5 items). */
  inpatientSettlements: number;
  outpatientSettlements: number;
  estimates: number;
  refunds: number;
  errors: number;
  firstErrors: string[];
  settlementsPerSec: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Tokens the pool ran out of and signed during the timed phase (0 when the pool was large enough). */
  tokensSignedDuringRun: number;
}

/** The benchmark's pharmacy and hospital, and a staff member of the pharmacy who creates terminals. */
export interface BenchInstitutions {
  pharmacy: { id: string; kind: string };
  hospital: { id: string; kind: string };
  staff: Awaited<ReturnType<typeof createUser>>;
}

const PHARMACY_CODE = 'P99000000001';
const HOSPITAL_CODE = 'H99000000001';
const STAFF_LOGIN = 'bench';

/** A pharmacy and a hospital (created once per database). */
export async function createInstitutions(db: Db, now: Date, regionCode = 'demo'): Promise<BenchInstitutions> {
  const pharmacy = await createInstitution(db, {
    code: PHARMACY_CODE,
    name: 'Bench pharmacy',
    kind: 'pharmacy',
    regionCode,
  });
  const hospital = await createInstitution(db, {
    code: HOSPITAL_CODE,
    name: 'Bench hospital',
    kind: 'hospital',
    tier: 3,
    regionCode,
  });
  const staff = await createUser(db, {
    role: 'institution',
    login: STAFF_LOGIN,
    password: 'bench-password',
    displayName: 'bench',
    institutionId: pharmacy.id,
  });
  await loadWorkloadCatalogue(db, [pharmacy, hospital], now, regionCode);
  return { pharmacy, hospital, staff };
}

/**
 * The benchmark's institutions on a population database: those an earlier run left on a kept population
 * (`--keep`), with their catalogue and mappings, else new ones (`createInstitutions`).
 */
export async function benchInstitutions(db: Db, now: Date, regionCode = 'demo'): Promise<BenchInstitutions> {
  const { rows } = await db.query<{ id: string; kind: string }>(
    `select id, kind from institutions where code = any($1::text[]) and region_code = $2`,
    [[PHARMACY_CODE, HOSPITAL_CODE], regionCode],
  );
  const staff = await db.query<{ id: string }>(`select id from users where login = $1`, [STAFF_LOGIN]);
  const pharmacy = rows.find((r) => r.kind === 'pharmacy');
  const hospital = rows.find((r) => r.kind === 'hospital');
  if (pharmacy && hospital && staff.rows[0]) return { pharmacy, hospital, staff: staff.rows[0].id };
  return createInstitutions(db, now, regionCode);
}

/** One new terminal per client: every fourth at the hospital in the realistic mix, all at the pharmacy else. */
export async function createTills(
  db: Db,
  at: BenchInstitutions,
  clients: number,
  now: Date,
  mix: MixName = 'realistic',
): Promise<Till[]> {
  const tills: Till[] = [];
  for (let i = 0; i < clients; i++) {
    const inst = mix === 'realistic' && i % 4 === 3 ? at.hospital : at.pharmacy;
    tills.push({
      kind: inst.kind,
      token: (await createTerminal(db, now, inst.id, `till ${i}`, at.staff)).credential,
    });
  }
  return tills;
}

/** The institutions' own item codes of the workload: `M0` … `M99`; nine in ten are mapped to the catalogue. */
const ITEM_CODES = Array.from({ length: 100 }, (_, i) => `M${i}`);

/**
 * The workload's agency data: the demo region's catalogue (3,800 synthetic rows of every class, some with
 * price limits and restrictions) and, for each institution, its item codes mapped (approved) to catalogue
 * entries, nine in ten: a pharmacy's to drugs, a hospital's to drugs and service items in turn.
 */
export async function loadWorkloadCatalogue(
  db: Db,
  institutions: Array<{ id: string; kind: string }>,
  now: Date,
  region = 'demo',
): Promise<void> {
  const rows = Object.fromEntries(CATALOGUE_KINDS.map((k) => [k, demoCatalogueRows(k)]));
  await db.transaction(async (tx) => {
    for (const kind of CATALOGUE_KINDS)
      await loadCatalogue(tx, { region, kind, rows: rows[kind]!, importedBy: null, now });
    for (const inst of institutions) {
      const pairs = ITEM_CODES.flatMap((itemCode, i) => {
        if (i % 10 === 9) return [];
        const from = inst.kind === 'hospital' && i % 2 ? rows.service! : rows.drug!;
        return [{ itemCode, catalogueCode: from[(i * 7) % from.length]!.code }];
      });
      await insertApprovedMappings(tx, inst.id, pairs, now);
    }
  });
}

/**
 * A bill's items drawn from `rnd`: an inpatient bill of 20-100 items (or `count`), an outpatient one of 1-5,
 * each the institution's own code (its mapping decides coverage: `loadWorkloadCatalogue`).
 */
export function billItems(rnd: () => number, inpatient: boolean, count?: number) {
  const n = count ?? (inpatient ? 20 + Math.floor(rnd() * 81) : 1 + Math.floor(rnd() * 5));
  return Array.from({ length: n }, (_, i) => ({
    code: ITEM_CODES[i % ITEM_CODES.length]!,
    name: inpatient ? `住院项目${i}` : `药品${i}`,
    quantity: 1 + Math.floor(rnd() * 3),
    unitPrice: 500 + Math.floor(rnd() * (inpatient ? 200_000 : 8_000)),
  }));
}

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** QR tokens signed ahead of the timed phase, each for one payment, for e-cards drawn from a sample. */
export interface TokenPool {
  next(): string;
  /** How many `next` had to sign on the spot (the pool ran out, or its tokens were about to expire). */
  signedDuringRun(): number;
}

/**
 * Signs `count` tokens now, for e-cards drawn uniformly from `ecardIds`, valid long enough for a phase of
 * `seconds` that starts right after (the lifetime of a person's code is 60 s; a longer phase gets tokens of
 * up to the 600 s the verifier accepts). A token is never used twice (its nonce is consumed).
 */
export function signTokens(ring: KeyRing, ecardIds: string[], count: number, seconds: number): TokenPool {
  const ttlSeconds = Math.min(MAX_TTL_SECONDS, Math.max(DEFAULT_TTL_SECONDS, Math.ceil(seconds) + 60));
  const rnd = prng(4242);
  const draw = () => ecardIds[Math.floor(rnd() * ecardIds.length)]!;
  const tokens = Array.from({ length: count }, () => issueToken(ring, { ecardId: draw(), ttlSeconds }).token);
  // Pool tokens are used only while they have at least 10 s left; after that they are signed on demand.
  const usableUntil = performance.now() + (ttlSeconds - 10) * 1000;
  let i = 0;
  let signed = 0;
  return {
    next: () => {
      if (i < tokens.length && performance.now() < usableUntil) return tokens[i++]!;
      signed++;
      return issueToken(ring, { ecardId: draw() }).token;
    },
    signedDuringRun: () => signed,
  };
}

/** Tokens to sign for a phase: more than the fastest run so far would use (the rest are thrown away). */
export const tokensFor = (seconds: number, clients: number) =>
  Math.min(200_000, Math.max(5_000, Math.ceil(seconds * Math.max(1_000, 60 * clients))));

/** Runs the mix on every till at once for `seconds`; latency is request to parsed answer. */
export async function runMix(o: {
  send: Send;
  tills: Till[];
  tokens: TokenPool;
  seconds: number;
  mix?: MixName;
}): Promise<MixResult> {
  const latencies: number[] = [];
  let settlements = 0;
  let inpatientSettlements = 0;
  let estimates = 0;
  let refunds = 0;
  let errors = 0;
  const firstErrors: string[] = [];
  const deadline = performance.now() + o.seconds * 1000;

  const worker = async (w: number) => {
    const rnd = prng(w + 1);
    const till = o.tills[w]!;
    const mine: string[] = [];
    while (performance.now() < deadline) {
      const roll = rnd();
      const started = performance.now();
      let res: Awaited<ReturnType<Send>>;
      let kind: 'settle' | 'estimate' | 'refund';
      if (roll < 0.02 && mine.length) {
        kind = 'refund';
        res = await o.send({
          url: `/v1/terminal/settlements/${mine.shift()!}/refunds`,
          token: till.token,
          idempotencyKey: randomUUID(),
          body: { reason: 'benchmark refund' },
        });
      } else {
        kind = roll < 0.12 ? 'estimate' : 'settle';
        const inpatient = till.kind === 'hospital';
        const items = billItems(rnd, inpatient);
        res = await o.send({
          url: '/v1/terminal/settlements',
          token: till.token,
          idempotencyKey: kind === 'settle' ? randomUUID() : undefined,
          body: {
            qr: o.tokens.next(),
            bill: { setting: inpatient ? 'inpatient' : 'outpatient', items },
            estimate: kind === 'estimate',
            paymentPin: PIN,
          },
        });
      }
      latencies.push(performance.now() - started);
      if (res.status >= 400) {
        errors++;
        if (firstErrors.length < 5) firstErrors.push(`${kind} ${res.status} ${res.body.error?.code}`);
        continue;
      }
      if (kind === 'refund') refunds++;
      else if (kind === 'estimate') estimates++;
      else {
        settlements++;
        if (till.kind === 'hospital') inpatientSettlements++;
        if (res.body.id) mine.push(res.body.id);
      }
    }
  };
  const t1 = performance.now();
  await Promise.all(o.tills.map((_, w) => worker(w)));
  const elapsed = (performance.now() - t1) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    mix: o.mix ?? 'realistic',
    clients: o.tills.length,
    seconds: elapsed,
    settlements,
    inpatientSettlements,
    outpatientSettlements: settlements - inpatientSettlements,
    estimates,
    refunds,
    errors,
    firstErrors,
    settlementsPerSec: settlements / elapsed,
    requestsPerSec: (settlements + estimates + refunds) / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    tokensSignedDuringRun: o.tokens.signedDuringRun(),
  };
}

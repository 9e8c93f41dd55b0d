/**
 * The settlement workload both stores are measured with: C concurrent tills for S seconds, three in four a
 * pharmacy (outpatient bills of 1-5 items), one in four a hospital (inpatient bills of 20-100 items); 10% of
 * requests are estimates, 2% refunds of an earlier settlement; every payment carries a freshly signed QR
 * token, an Idempotency-Key and the payment PIN. How a request reaches the app (HTTP, or `app.inject` in
 * the same process) is the caller's `send`.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../src/platform/db.ts';
import { createInstitution, createTerminal } from '../src/institutions/store.ts';
import { createUser } from '../src/accounts/store.ts';
import type { KeyRing } from '../src/qr/keyring.ts';
import { issueToken } from '../src/qr/token.ts';
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

export interface MixResult {
  clients: number;
  seconds: number;
  settlements: number;
  estimates: number;
  refunds: number;
  errors: number;
  firstErrors: string[];
  settlementsPerSec: number;
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

/** A pharmacy and a hospital with one terminal per client (every fourth at the hospital). */
export async function createTills(db: Db, clients: number, now: Date): Promise<Till[]> {
  const pharmacy = await createInstitution(db, {
    code: 'P99000000001',
    name: 'Bench pharmacy',
    kind: 'pharmacy',
    regionCode: 'demo',
  });
  const hospital = await createInstitution(db, {
    code: 'H99000000001',
    name: 'Bench hospital',
    kind: 'hospital',
    tier: 3,
    regionCode: 'demo',
  });
  const staff = await createUser(db, {
    role: 'institution',
    login: 'bench',
    password: 'bench-password',
    displayName: 'bench',
    institutionId: pharmacy.id,
  });
  await loadWorkloadCatalogue(db, [pharmacy, hospital], now);
  const tills: Till[] = [];
  for (let i = 0; i < clients; i++) {
    const inst = i % 4 === 3 ? hospital : pharmacy;
    tills.push({
      kind: inst.kind,
      token: (await createTerminal(db, now, inst.id, `till ${i}`, staff)).credential,
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
): Promise<void> {
  const rows = Object.fromEntries(CATALOGUE_KINDS.map((k) => [k, demoCatalogueRows(k)]));
  await db.transaction(async (tx) => {
    for (const kind of CATALOGUE_KINDS)
      await loadCatalogue(tx, { region: 'demo', kind, rows: rows[kind]!, importedBy: null, now });
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

/** Runs the mix on every till at once for `seconds`; latency is request to parsed answer. */
export async function runMix(o: {
  send: Send;
  tills: Till[];
  ring: KeyRing;
  ecardIds: string[];
  seconds: number;
}): Promise<MixResult> {
  const latencies: number[] = [];
  let settlements = 0;
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
        const ecardId = o.ecardIds[Math.floor(rnd() * o.ecardIds.length)]!;
        res = await o.send({
          url: '/v1/terminal/settlements',
          token: till.token,
          idempotencyKey: kind === 'settle' ? randomUUID() : undefined,
          body: {
            qr: issueToken(o.ring, { ecardId }).token,
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
        if (res.body.id) mine.push(res.body.id);
      }
    }
  };
  const t1 = performance.now();
  await Promise.all(o.tills.map((_, w) => worker(w)));
  const elapsed = (performance.now() - t1) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    clients: o.tills.length,
    seconds: elapsed,
    settlements,
    estimates,
    refunds,
    errors,
    firstErrors,
    settlementsPerSec: settlements / elapsed,
    requestsPerSec: (settlements + estimates + refunds) / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}

import type { NatsConnection, Subscription } from 'nats';
import type { Db } from '../platform/db.ts';
import { conflict, unprocessable } from '../platform/errors.ts';
import type { Jwks } from '../qr/verifier.ts';
import { REGION_CODE, connectNats, ensureStreams, subjects } from './nats.ts';
import { serveRequests } from './rpc.ts';

/**
 * The national hub (`yibao hub`): the region directory with each region's public QR keys (key federation), and
 * the monthly clearing per pair of regions. It answers core NATS requests on `yibao.hub.*`; it never sees a
 * settlement request (those go from region to region through JetStream), so a hub outage stops neither scanning
 * (the keys are cached by every region) nor settling, only new keys and clearing.
 */

export interface RegionEntry {
  code: string;
  name: string;
  ecard: Jwks;
  essc: Jwks;
}

/** One side's totals for a month towards one other region. */
export interface ClearingLine {
  counterparty: string;
  /** The reporting region's role in these settlements. */
  role: 'insured' | 'treatment';
  /** The fund and account shares (fen) of the month's settlements net of refunds. */
  amount: number;
  settlements: number;
}

export interface ClearingStatement {
  month: string;
  insuredRegion: string;
  treatmentRegion: string;
  insuredAmount: number | null;
  treatmentAmount: number | null;
  insuredSettlements: number | null;
  treatmentSettlements: number | null;
  /** waiting: one side has not reported; agreed: equal; mismatch: different; confirmed: both confirmed. */
  status: 'waiting' | 'agreed' | 'mismatch' | 'confirmed';
}

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

function checkRegion(code: unknown): string {
  if (typeof code !== 'string' || !REGION_CODE.test(code))
    throw unprocessable('validation_failed', 'A region code is letters, digits, _ or -', { field: 'region' });
  return code;
}

function checkMonth(month: unknown): string {
  if (typeof month !== 'string' || !MONTH.test(month))
    throw unprocessable('validation_failed', 'A month is YYYY-MM', { field: 'month' });
  return month;
}

async function putRegionKeys(db: Db, entry: RegionEntry, now: Date): Promise<void> {
  checkRegion(entry.code);
  await db.query(
    `insert into hub_regions (code, name, ecard_jwks, essc_jwks, updated_at) values ($1, $2, $3, $4, $5)
     on conflict (code) do update set name = excluded.name, ecard_jwks = excluded.ecard_jwks,
       essc_jwks = excluded.essc_jwks, updated_at = excluded.updated_at`,
    [entry.code, entry.name, JSON.stringify(entry.ecard), JSON.stringify(entry.essc), now],
  );
}

async function directory(db: Db): Promise<RegionEntry[]> {
  const { rows } = await db.query<{ code: string; name: string; ecard_jwks: Jwks; essc_jwks: Jwks }>(
    'select code, name, ecard_jwks, essc_jwks from hub_regions order by code',
  );
  return rows.map((r) => ({ code: r.code, name: r.name, ecard: r.ecard_jwks, essc: r.essc_jwks }));
}

/** The pair statements of a month that involve `region`, from both sides' reports. */
async function statementsOf(db: Db, month: string, region: string): Promise<ClearingStatement[]> {
  const { rows } = await db.query<{
    insured_region: string;
    treatment_region: string;
    reported_by: 'insured' | 'treatment';
    amount: number;
    settlements: number;
    confirmed_at: Date | null;
  }>(
    `select insured_region, treatment_region, reported_by, amount, settlements, confirmed_at
       from hub_clearing_reports where month = $1 and (insured_region = $2 or treatment_region = $2)
      order by insured_region, treatment_region, reported_by`,
    [month, region],
  );
  const pairs = new Map<string, ClearingStatement & { confirmations: number }>();
  for (const r of rows) {
    const k = `${r.insured_region}>${r.treatment_region}`;
    const s = pairs.get(k) ?? {
      month,
      insuredRegion: r.insured_region,
      treatmentRegion: r.treatment_region,
      insuredAmount: null,
      treatmentAmount: null,
      insuredSettlements: null,
      treatmentSettlements: null,
      status: 'waiting' as const,
      confirmations: 0,
    };
    if (r.reported_by === 'insured') {
      s.insuredAmount = r.amount;
      s.insuredSettlements = r.settlements;
    } else {
      s.treatmentAmount = r.amount;
      s.treatmentSettlements = r.settlements;
    }
    if (r.confirmed_at) s.confirmations++;
    pairs.set(k, s);
  }
  return [...pairs.values()].map(({ confirmations, ...s }) => ({
    ...s,
    status:
      s.insuredAmount === null || s.treatmentAmount === null
        ? 'waiting'
        : s.insuredAmount !== s.treatmentAmount || s.insuredSettlements !== s.treatmentSettlements
          ? 'mismatch'
          : confirmations === 2
            ? 'confirmed'
            : 'agreed',
  }));
}

/** A region's totals for a month; a confirmed pair's report can no longer change. Returns the statements. */
async function reportClearing(
  db: Db,
  req: { region: string; month: string; lines: ClearingLine[] },
  now: Date,
): Promise<ClearingStatement[]> {
  const region = checkRegion(req.region);
  const month = checkMonth(req.month);
  await db.transaction(async (tx) => {
    for (const l of req.lines) {
      const counterparty = checkRegion(l.counterparty);
      const [insured, treatment] = l.role === 'insured' ? [region, counterparty] : [counterparty, region];
      const { rows } = await tx.query(
        `insert into hub_clearing_reports (month, insured_region, treatment_region, reported_by, amount, settlements, reported_at)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (month, insured_region, treatment_region, reported_by) do update
           set amount = excluded.amount, settlements = excluded.settlements, reported_at = excluded.reported_at
           where hub_clearing_reports.confirmed_at is null
              or (hub_clearing_reports.amount = excluded.amount and hub_clearing_reports.settlements = excluded.settlements)
         returning 1`,
        [month, insured, treatment, l.role, l.amount, l.settlements, now],
      );
      if (!rows.length)
        throw conflict(
          'clearing_confirmed',
          `The ${month} clearing with ${counterparty} is confirmed already`,
        );
    }
  });
  return statementsOf(db, month, region);
}

/** One side confirms an agreed pair statement; when both have, it is confirmed. */
async function confirmClearing(
  db: Db,
  req: { region: string; month: string; counterparty: string; role: 'insured' | 'treatment' },
  now: Date,
): Promise<ClearingStatement> {
  const region = checkRegion(req.region);
  const month = checkMonth(req.month);
  const [insured, treatment] =
    req.role === 'insured' ? [region, req.counterparty] : [req.counterparty, region];
  const find = async () =>
    (await statementsOf(db, month, region)).find(
      (s) => s.insuredRegion === insured && s.treatmentRegion === treatment,
    );
  const before = await find();
  if (!before || before.status === 'waiting' || before.status === 'mismatch') {
    throw conflict(
      'clearing_not_agreed',
      `The ${month} clearing between ${insured} and ${treatment} is not agreed (${before?.status ?? 'waiting'})`,
      { status: before?.status ?? 'waiting' },
    );
  }
  await db.query(
    `update hub_clearing_reports set confirmed_at = coalesce(confirmed_at, $5)
      where month = $1 and insured_region = $2 and treatment_region = $3 and reported_by = $4`,
    [month, insured, treatment, req.role, now],
  );
  return (await find())!;
}

/** Starts the hub on its own database and a NATS connection; `stop` ends both subscriptions and the connection. */
export async function startHub(opts: {
  db: Db;
  natsUrl: string;
  clock?: () => Date;
  onError?: (err: unknown) => void;
}): Promise<{ nc: NatsConnection; stop: () => Promise<void> }> {
  const nc = await connectNats(opts.natsUrl, 'yibao-hub');
  await ensureStreams(nc);
  const clock = opts.clock ?? (() => new Date());
  const onError = opts.onError ?? ((err: unknown) => console.error('hub:', err));
  const subs: Subscription[] = [
    serveRequests<RegionEntry, object>(
      nc,
      subjects.hubKeys,
      async (e) => {
        await putRegionKeys(opts.db, e, clock());
        return {};
      },
      onError,
    ),
    serveRequests(nc, subjects.hubDirectory, async () => ({ regions: await directory(opts.db) }), onError),
    serveRequests<{ region: string; month: string; lines: ClearingLine[] }, object>(
      nc,
      subjects.hubClearingReport,
      async (r) => ({ statements: await reportClearing(opts.db, r, clock()) }),
      onError,
    ),
    serveRequests<
      { region: string; month: string; counterparty: string; role: 'insured' | 'treatment' },
      object
    >(
      nc,
      subjects.hubClearingConfirm,
      async (r) => ({ statement: await confirmClearing(opts.db, r, clock()) }),
      onError,
    ),
  ];
  await nc.flush();
  return {
    nc,
    stop: async () => {
      for (const s of subs) s.unsubscribe();
      await nc.drain().catch(() => undefined);
    },
  };
}

/**
 * The floor with no application at all: the rows a QR settlement writes, written by pgbench's own clients
 * with `bench/settlement.pgbench.sql` on the benchmark database (same population, same e-card sample, same
 * shared accounts, same bill sizes and share of hospital bills), in the same round trips and with the same
 * locks as the server's transaction: the key claim (advisory lock), the person locked through the e-card,
 * one read (accumulators upserted and locked, the token's nonce, the policy, the account, mutual aid, the
 * e-card's PIN state), one write (the accounts locked in id order and their balances moved, the posting and
 * its entries, the settlement with its result document, its lines, the accumulators, the stored answer).
 * What it leaves out: HTTP, the terminal's authentication and institution reads (two statements before the
 * transaction), the calculation, the token's signature, building and serialising the documents, estimates
 * and refunds.
 */
import { fileURLToPath } from 'node:url';
import type { Db } from '../src/platform/db.ts';
import { calculateSettlement } from '../src/settlement/calculator.ts';
import { DEMO_POLICY } from '../src/settlement/policy.ts';
import { institutionCash, institutionReceivable, patientCash, pooledFund } from '../src/ledger/ledger.ts';
import { prng } from '../src/demo/synthetic.ts';
import { billItems, type MixName } from './mix.ts';
import { runPgbenchOn, type PgbenchResult } from './pgbench.ts';

const SCRIPT = fileURLToPath(new URL('./settlement.pgbench.sql', import.meta.url));

/** A settlement's result document and its stored answer for a bill of `lines` items, as the server writes them. */
function documents(lines: number, inpatient: boolean): { result: string; answer: string } {
  const rnd = prng(lines);
  const result = calculateSettlement({
    policy: DEMO_POLICY,
    person: { insuranceType: 'employee', retired: false },
    accumulators: { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 0, fundPaid: 0 },
    accountBalance: 300_000,
    bill: {
      setting: inpatient ? 'inpatient' : 'outpatient',
      // Resolved as a mapped class-A entry (what resolveBill makes of a till line nine times in ten).
      items: billItems(rnd, inpatient, lines).map((i) => ({
        ...i,
        catalogue: 'in' as const,
        category: 'A' as const,
        serviceType: inpatient ? ('inpatient' as const) : ('outpatient' as const),
      })),
    },
  });
  // What the key stores of the answer: a reference to the settlement and the person as shown (settle.ts).
  const answer = {
    id: '00000000-0000-4000-8000-000000000001',
    person: {
      maskedName: '参**',
      maskedIdNumber: '9000**********0001',
      insuranceType: 'employee',
      retired: false,
    },
  };
  return { result: JSON.stringify(result), answer: JSON.stringify(answer) };
}

/** The helper tables the script reads (run once, after the HTTP phases and the statements job). */
export async function setUpSameRows(
  db: Db,
  o: { ecardIds: string[]; institutions: { pharmacy: string; hospital: string }; kid: string },
): Promise<number> {
  await db.exec(`drop table if exists bench_people, bench_const, bench_docs`);
  await db.exec(
    `create table bench_people (n int primary key, ecard_id uuid not null, person_id uuid not null, account_id uuid not null)`,
  );
  const people = await db.query(
    `insert into bench_people (n, ecard_id, person_id, account_id)
     select row_number() over (order by s.i), e.id, e.person_id, a.id
       from unnest($1::uuid[]) with ordinality s(id, i)
       join ecards e on e.id = s.id
       join ledger_accounts a on a.kind = 'individual' and a.owner_id = e.person_id::text`,
    [o.ecardIds],
  );
  const terminal = async (institution: string) =>
    (
      await db.query<{ id: string }>(`select id from terminals where institution_id = $1 limit 1`, [
        institution,
      ])
    ).rows[0]?.id;
  const policy = (
    await db.query<{ id: string }>(
      `select id from policy_versions where region_code = 'demo' and effective_from <= current_date
        order by effective_from desc limit 1`,
    )
  ).rows[0]!.id;
  const { pharmacy, hospital } = o.institutions;
  await db.exec(`create table bench_const (kid text, p_inst uuid, h_inst uuid, p_term uuid, h_term uuid, policy uuid,
    fund uuid, patient_cash uuid, p_recv uuid, p_cash uuid, h_recv uuid, h_cash uuid)`);
  await db.query(`insert into bench_const values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`, [
    o.kid,
    pharmacy,
    hospital,
    await terminal(pharmacy),
    // A pharmacy-only run opens no till at the hospital; its bills are never drawn then.
    (await terminal(hospital)) ?? (await terminal(pharmacy)),
    policy,
    await pooledFund(db, 'demo'),
    await patientCash(db, 'demo'),
    await institutionReceivable(db, pharmacy, 'demo'),
    await institutionCash(db, pharmacy, 'demo'),
    await institutionReceivable(db, hospital, 'demo'),
    await institutionCash(db, hospital, 'demo'),
  ]);
  await db.exec(
    `create table bench_docs (lines int primary key, result text not null, answer text not null)`,
  );
  for (const [from, to, inpatient] of [
    [1, 5, false],
    [20, 100, true],
  ] as const) {
    for (let lines = from; lines <= to; lines++) {
      const d = documents(lines, inpatient);
      await db.query(`insert into bench_docs values ($1, $2, $3)`, [lines, d.result, d.answer]);
    }
  }
  await db.exec('analyze bench_people, bench_const, bench_docs');
  return people.rowCount;
}

/** The script for `seconds` with `clients` pgbench clients, with the mix's share of hospital bills. */
export async function runSameRows(
  url: string,
  o: { clients: number; seconds: number; mix: MixName; people: number },
): Promise<PgbenchResult> {
  return runPgbenchOn(url, {
    clients: o.clients,
    seconds: o.seconds,
    extraArgs: [
      '-n',
      '-f',
      SCRIPT,
      '-D',
      `people=${o.people}`,
      '-D',
      `inpatient_pct=${o.mix === 'realistic' ? 25 : 0}`,
    ],
  });
}

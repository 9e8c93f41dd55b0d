/**
 * Fuzz pass over the terminal's public inputs through the real app (issue 18): malformed settlement bodies
 * (wrong types, negative, fractional and huge amounts, missing and extra fields, huge arrays, odd strings,
 * bodies that are not JSON objects) and malformed scans. Every one must get a 4xx with a stable
 * `error.code` from a known set, never a 5xx, and leave the money tables exactly as they were. Seeded with
 * a fixed budget, so `npm test` runs the same cases every time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { call, forEachStore, type TestEnv } from '../../test/support/env.ts';
import { activeEcard, createTill, depositTo, item, newKey, qrOf } from '../../test/support/factories.ts';

const SEED = 18_2026;
const RUNS = 300;

/** Every code a malformed request may be refused with, and its status. */
const KNOWN: Record<string, number> = {
  validation_failed: 400,
  malformed_json: 400,
  unsupported_media_type: 415,
  payload_too_large: 413,
  payer_required: 400,
  idempotency_key_required: 400,
  qr_malformed: 400,
  qr_bad_signature: 422,
  qr_unknown_key: 422,
  invalid_bill: 422,
  invalid_settlement_input: 422,
  // A line that says what the fund covers, in any form: the agency's data decides that.
  coverage_declared: 400,
};

/** The money tables and the e-cards, as one comparable value. */
async function snapshot(env: TestEnv): Promise<Record<string, unknown>> {
  const { rows } = await env.db.query(
    `select (select count(*) from settlements)::int as settlements,
            (select count(*) from settlement_lines)::int as lines,
            (select count(*) from refunds)::int as refunds,
            (select count(*) from ledger_postings)::int as postings,
            (select count(*) from ledger_entries)::int as entries,
            (select count(*) from idempotency_keys)::int as keys,
            (select count(*) from qr_consumed_nonces)::int as nonces,
            (select count(*) from card_events)::int as card_events,
            (select md5(coalesce(string_agg(id::text || ':' || balance, ',' order by id), '')) from ledger_accounts) as balances,
            (select md5(coalesce(string_agg(person_id::text || ':' || year || ':' || inpatient_deductible_paid || ':'
               || outpatient_eligible_spent || ':' || fund_paid, ',' order by person_id, year), ''))
               from person_year_accumulators) as accumulators,
            (select md5(coalesce(string_agg(id::text || ':' || status || ':' || payment_pin_failures, ',' order by id), ''))
               from ecards) as ecards`,
  );
  return rows[0] as Record<string, unknown>;
}

const MAX = Number.MAX_SAFE_INTEGER;
/** Values of the wrong JSON type for a field of any type. */
const wrongType = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.string({ maxLength: 20 }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.array(fc.nat(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.nat(), { maxKeys: 3 }),
);
const oddString = fc.oneof(
  fc.constant(''),
  fc.constant('   '),
  fc.constant('\u0000'),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 30 }),
  fc.string({ minLength: 401, maxLength: 600 }),
  fc.constant('💊'.repeat(300)),
  fc.constant("'; drop table settlements; --"),
);
/** Amounts no bill may carry: negative, fractional, beyond the safe integers, not numbers. */
const badAmount = fc.oneof(
  fc.integer({ min: -MAX, max: -1 }),
  fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)),
  fc.constantFrom(2 ** 53, 2 ** 60, 1e20, 1e300, -0.5, 0.1),
  fc.string({ maxLength: 10 }),
  fc.constant(null),
);
const badQuantity = fc.oneof(badAmount, fc.constantFrom(0, 100_001, 1e9));
const extraFields = fc.dictionary(
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => !['qr', 'card', 'bill', 'items'].includes(k)),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

type Body = Record<string, any>;
/** A mutation that makes a valid body malformed, by itself. */
type Mutation = (body: Body) => void;
/** The fields a line must have (`name` may be left out: the catalogue's is printed). */
const REQUIRED_FIELDS = ['code', 'quantity', 'unitPrice'] as const;
const ITEM_FIELDS = [...REQUIRED_FIELDS, 'name'] as const;

const itemMutation: fc.Arbitrary<(it: Body) => void> = fc.oneof(
  fc.constantFrom(...REQUIRED_FIELDS).map((f) => (it: Body) => void delete it[f]),
  fc.tuple(fc.constantFrom(...ITEM_FIELDS), wrongType).map(([f, v]) => (it: Body) => {
    // A string is the right type for the string fields: give those a number instead.
    it[f] = typeof v === 'string' && !['quantity', 'unitPrice'].includes(f) ? 42 : v;
  }),
  badQuantity.map((q) => (it: Body) => void (it.quantity = q)),
  badAmount.map((p) => (it: Body) => void (it.unitPrice = p)),
  badAmount.map((p) => (it: Body) => void (it.domesticReferencePrice = p)),
  badAmount.map((p) => (it: Body) => void (it.importedReferencePrice = p)),
  // Each a safe integer, the product beyond them.
  fc.integer({ min: Math.ceil(MAX / 100_000) + 1, max: MAX }).map((p) => (it: Body) => {
    it.quantity = 100_000;
    it.unitPrice = p;
  }),
  fc.integer({ min: Math.ceil(MAX / 1000) + 1, max: MAX }).map((p) => (it: Body) => {
    it.quantity = 1000;
    it.serviceType = 'special_material';
    it.domesticReferencePrice = p;
  }),
  fc.constantFrom('', '   ', 'x'.repeat(51)).map((c) => (it: Body) => void (it.code = c)),
  fc.constantFrom('', 'y'.repeat(201)).map((n) => (it: Body) => void (it.name = n)),
  fc.constantFrom('IN', 'both', '', 'in ').map((c) => (it: Body) => void (it.catalogue = c)),
  fc.constantFrom('C', 'a', '', 'AB').map((c) => (it: Body) => void (it.category = c)),
  fc
    .constantFrom('surgery', 'Outpatient', '', 'inpatient')
    .map((s) => (it: Body) => void (it.serviceType = s)),
  fc.constantFrom('z'.repeat(101), 7).map((a) => (it: Body) => void (it.approvalRef = a)),
);

/** The body's bill, or a fresh valid one when an earlier mutation replaced it with something else. */
const billOf = (b: Body): Body => {
  if (typeof b.bill !== 'object' || b.bill === null || Array.isArray(b.bill))
    b.bill = { setting: 'outpatient', items: [item('A1', 1)] };
  return b.bill;
};
/** The bill's items, made an array of objects again when an earlier mutation broke that. */
const itemsOf = (b: Body): Body[] => {
  const bill = billOf(b);
  if (!Array.isArray(bill.items) || bill.items.length === 0) bill.items = [item('A1', 1)];
  bill.items = bill.items.map((it: unknown) =>
    typeof it === 'object' && it !== null && !Array.isArray(it) ? it : item('A9', 1),
  );
  return bill.items;
};

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.tuple(itemMutation, fc.nat()).map(([m, i]) => (b: Body) => {
      const items = itemsOf(b);
      m(items[i % items.length]!);
    }),
  },
  fc.constant((b: Body) => void delete b.bill),
  wrongType.map(
    (v) => (b: Body) => void (b.bill = typeof v === 'object' && v !== null && !Array.isArray(v) ? 'bill' : v),
  ),
  fc.constant((b: Body) => void delete billOf(b).items),
  fc.constant((b: Body) => void delete billOf(b).setting),
  fc.constantFrom('emergency', '', 'OUTPATIENT', 3).map((s) => (b: Body) => void (billOf(b).setting = s)),
  fc.constant((b: Body) => void (billOf(b).items = [])),
  wrongType.filter((v) => !Array.isArray(v)).map((v) => (b: Body) => void (billOf(b).items = v)),
  fc.tuple(fc.integer({ min: 501, max: 1500 }), fc.boolean()).map(([n, valid]) => (b: Body) => {
    billOf(b).items = Array.from({ length: n }, (_, i) => (valid ? item(`A${i}`, 1) : i));
  }),
  wrongType.map((v) => (b: Body) => void (billOf(b).items = [...itemsOf(b), v])),
  // Two items each within the safe integers, their total beyond them.
  fc.integer({ min: Math.ceil(MAX / 2) + 1, max: MAX }).map((p) => (b: Body) => {
    billOf(b).items = [item('A1', 0, { unitPrice: p }), item('A2', 0, { unitPrice: p })];
  }),
  fc.constant((b: Body) => void (itemsOf(b)[0]!.serviceType = 'inpatient')),
  oddString.map((s) => (b: Body) => void (b.qr = s)),
  wrongType.filter((v) => typeof v !== 'string').map((v) => (b: Body) => void (b.qr = v)),
  fc.constant((b: Body) => void delete b.qr),
  fc.constant((b: Body) => void (b.card = { number: 'C123', pin: '123456' })),
  fc
    .oneof(fc.constantFrom('12345', '1234567', 'abcdef', ''), wrongType)
    .map((p) => (b: Body) => void (b.card = { number: 'C1', pin: p })),
  wrongType.filter((v) => typeof v !== 'boolean').map((v) => (b: Body) => void (b.estimate = v)),
  wrongType.filter((v) => typeof v !== 'boolean').map((v) => (b: Body) => void (b.familyAccount = v)),
  fc
    .oneof(fc.constantFrom('12345', '1234567', '12345a'), wrongType)
    .map((p) => (b: Body) => void (b.paymentPin = p)),
);

/** A raw payload that is not a JSON object of the right shape, with its content type. */
const rawPayload = fc.oneof(
  fc.string({ maxLength: 100 }).map((s) => ({ payload: s, type: 'application/json' })),
  fc.constantFrom('{', '{"bill":', '[]', 'null', '42', '"bill"', 'true', '{"bill": NaN}').map((s) => ({
    payload: s,
    type: 'application/json',
  })),
  fc.string({ maxLength: 50 }).map((s) => ({ payload: s, type: 'text/plain' })),
  fc.constant({ payload: `{"qr":"${'A'.repeat(1_100_000)}"}`, type: 'application/json' }),
);

forEachStore('fuzz: malformed settlement and scan requests', (env) => {
  let terminal: string;
  let qr: string;
  const valid = (): Body => ({
    qr,
    bill: { setting: 'outpatient', items: [item('A1', 12), item('A2', 3.5)] },
  });

  test('set-up: the valid body settles (estimate), so every refusal below is the mutation’s', async () => {
    const till = await createTill(env());
    terminal = till.terminal;
    const p = await activeEcard(env());
    await depositTo(env(), p.personId, 50_000);
    qr = await qrOf(env(), p);
    const est = await call(env().app, 'POST', '/v1/terminal/settlements', {
      token: terminal,
      body: { ...valid(), estimate: true },
    });
    assert.equal(est.status, 200, est.raw);
  });

  const refused = (r: { status: number; body: any; raw: string }, what: unknown) => {
    const code = r.body?.error?.code;
    assert.ok(
      r.status >= 400 && r.status < 500,
      `${r.status} ${r.raw.slice(0, 300)} for ${JSON.stringify(what)?.slice(0, 300)}`,
    );
    assert.ok(code in KNOWN, `unknown code ${code} (${r.status}) for ${JSON.stringify(what)?.slice(0, 300)}`);
    assert.equal(r.status, KNOWN[code], `${code} with ${r.status}`);
    return code as string;
  };

  test('fuzz: a malformed bill body is refused with a known 4xx code and moves nothing', async () => {
    const before = await snapshot(env());
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        extraFields,
        fc.boolean(),
        fc.boolean(),
        async (mutations, extra, estimate, withKey) => {
          const body: Body = { ...extra, ...valid(), ...(estimate ? { estimate: true } : {}) };
          for (const m of mutations) m(body);
          const r = await call(env().app, 'POST', '/v1/terminal/settlements', {
            token: terminal,
            body,
            headers: withKey ? { 'idempotency-key': newKey() } : {},
          });
          seen.add(refused(r, body));
          assert.deepEqual(await snapshot(env()), before);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    // The mutations reach the handler's own checks, not only the schema.
    for (const code of ['validation_failed', 'invalid_bill', 'payer_required', 'qr_malformed'])
      assert.ok(seen.has(code), `${code} never seen: ${[...seen].join(', ')}`);
  });

  test('fuzz: a body that is not a JSON object, or not JSON, is refused and moves nothing', async () => {
    const before = await snapshot(env());
    await fc.assert(
      fc.asyncProperty(rawPayload, async ({ payload, type }) => {
        const r = await call(env().app, 'POST', '/v1/terminal/settlements', {
          token: terminal,
          payload,
          headers: { 'content-type': type, 'idempotency-key': newKey() },
        });
        refused(r, payload.slice(0, 100));
      }),
      { seed: SEED, numRuns: 60 },
    );
    assert.deepEqual(await snapshot(env()), before);
  });

  test('fuzz: a malformed Idempotency-Key header is refused and moves nothing', async () => {
    const before = await snapshot(env());
    await fc.assert(
      fc.asyncProperty(
        fc
          .oneof(fc.string({ maxLength: 7 }), fc.string({ minLength: 101, maxLength: 300 }))
          .filter((k) => k.trim() === k && !/[^\x21-\x7e]/.test(k)),
        async (key) => {
          const r = await call(env().app, 'POST', '/v1/terminal/settlements', {
            token: terminal,
            body: valid(),
            headers: key ? { 'idempotency-key': key } : {},
          });
          refused(r, key);
        },
      ),
      { seed: SEED, numRuns: 60 },
    );
    assert.deepEqual(await snapshot(env()), before);
  });

  test('fuzz: a malformed scan is refused with a known 4xx code and moves no money', async () => {
    const before = await snapshot(env());
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          oddString.map((s) => ({ qr: s })),
          fc.string({ maxLength: 400 }).map((s) => ({ qr: `YB1:${s}` })),
          wrongType.map((v) => ({ qr: v })),
          fc.constant({}),
          fc.constant({ qr, card: { number: 'C1', pin: '123456' } }),
          fc
            .oneof(fc.constantFrom('1', 'abcdef', ''), wrongType)
            .map((p) => ({ card: { number: 'C1', pin: p } })),
          wrongType.map((v) => ({ card: v })),
        ),
        extraFields,
        async (body, extra) => {
          const r = await call(env().app, 'POST', '/v1/terminal/scan', {
            token: terminal,
            body: { ...extra, ...body },
          });
          refused(r, body);
        },
      ),
      { seed: SEED, numRuns: RUNS },
    );
    assert.deepEqual(await snapshot(env()), before);
  });

  test('afterwards the same QR code and bill still pay once: nothing above consumed it', async () => {
    const r = await call(env().app, 'POST', '/v1/terminal/settlements', {
      token: terminal,
      body: valid(),
      headers: { 'idempotency-key': newKey() },
    });
    assert.equal(r.status, 201, r.raw);
  });
});

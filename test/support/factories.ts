import { mapTestCatalogue } from './catalogue.ts';
import { call, login, newCitizen, newPhone, type TestEnv } from './env.ts';

export const PASSWORD = 'secret-pass-1';
/** Smallest valid PNG/JPEG headers plus padding: enough for the magic-byte check. */
export const PNG_BYTES = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  Buffer.alloc(64, 1),
]);
export const JPEG_BYTES = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(64, 2)]);

export interface TestPerson {
  token: string;
  personId: string;
  userId: string;
  idNumber: string;
  name: string;
  phone: string;
}

/** Registers a person account (resident by default) and logs in. */
export async function registerPerson(
  env: TestEnv,
  opts: {
    insuranceType?: 'resident' | 'flexible';
    regionCode?: string;
    birthDate?: string;
    inRegistry?: boolean;
  } = {},
): Promise<TestPerson> {
  const c = newCitizen({ birthDate: opts.birthDate });
  const phone = newPhone();
  if (opts.inRegistry !== false) {
    await env.db.query('insert into population_registry (id_number, name) values ($1, $2)', [
      c.idNumber,
      c.name,
    ]);
  }
  const r = await call(env.app, 'POST', '/v1/auth/register', {
    body: {
      phone,
      password: PASSWORD,
      name: c.name,
      idNumber: c.idNumber,
      regionCode: opts.regionCode ?? 'demo',
      insuranceType: opts.insuranceType,
    },
  });
  if (r.status !== 201) throw new Error(`register failed: ${r.status} ${r.raw}`);
  const { token } = await login(env.app, phone, PASSWORD);
  return {
    token,
    personId: r.body.personId,
    userId: r.body.userId,
    idNumber: c.idNumber,
    name: c.name,
    phone,
  };
}

/** A registered person whose identity is verified through the real flow (photo + registry match). */
export async function verifiedPerson(
  env: TestEnv,
  opts: Parameters<typeof registerPerson>[1] = {},
): Promise<TestPerson> {
  const p = await registerPerson(env, opts);
  const up = await call(env.app, 'POST', '/v1/me/identity/photo', {
    token: p.token,
    payload: PNG_BYTES,
    headers: { 'content-type': 'image/png' },
  });
  if (up.status !== 201) throw new Error(`photo upload failed: ${up.status} ${up.raw}`);
  const v = await call(env.app, 'POST', '/v1/me/identity', {
    token: p.token,
    body: { idNumber: p.idNumber, name: p.name },
  });
  if (v.body?.status !== 'verified') throw new Error(`verification failed: ${v.status} ${v.raw}`);
  return p;
}

let staffCounter = 0;

/** An office in `regionCode` and a staff account in it, logged in. */
export async function createStaff(
  env: TestEnv,
  regionCode = 'demo',
  kind: 'county_centre' | 'service_point' | 'window' = 'county_centre',
): Promise<{ token: string; officeId: string; userId: string }> {
  const office = await call(env.app, 'POST', '/v1/admin/offices', {
    token: env.adminToken,
    body: { regionCode, name: `Office ${++staffCounter}`, kind },
  });
  if (office.status !== 201) throw new Error(`office failed: ${office.raw}`);
  const loginName = `staff${staffCounter}x${Date.now() % 100000}`;
  const s = await call(env.app, 'POST', '/v1/admin/staff', {
    token: env.adminToken,
    body: { login: loginName, password: PASSWORD, displayName: '柜员', officeId: office.body.id },
  });
  if (s.status !== 201) throw new Error(`staff failed: ${s.raw}`);
  const { token } = await login(env.app, loginName, PASSWORD);
  return { token, officeId: office.body.id, userId: s.body.userId };
}

/** Counts rows of a table: tests use it to prove a refused request changed nothing. */
export async function countRows(env: TestEnv, table: string): Promise<number> {
  const { rows } = await env.db.query<{ n: number }>(`select count(*)::int8 as n from ${table}`);
  return rows[0]!.n;
}

/** Credits a person's individual account with `amount` fen (a ledger `deposit` posting); returns the new balance. */
export async function depositTo(env: TestEnv, personId: string, amount: number): Promise<number> {
  const { deposit } = await import('../../src/ledger/ledger.ts');
  return (await env.db.transaction((tx) => deposit(tx, personId, amount, 'test deposit', env.clock.now())))
    .balance;
}

/** A verified person whose individual account holds `balance` fen. */
export async function fundedPerson(
  env: TestEnv,
  balance: number,
  opts: Parameters<typeof registerPerson>[1] = {},
): Promise<TestPerson & { balance: number }> {
  const p = await verifiedPerson(env, opts);
  return { ...p, balance: await depositTo(env, p.personId, balance) };
}

export const CARD_PIN = '246810';
export const PAYMENT_PIN = '135790';

/**
 * A registered person with a physical card issued on the spot at a county centre of their region
 * (status `issued`, not yet activated), and its chip PIN. Pass `activate: true` for an `active` card.
 */
export async function issuedCard(
  env: TestEnv,
  opts: { regionCode?: string; pin?: string; activate?: boolean; person?: TestPerson } = {},
): Promise<{
  person: TestPerson;
  staff: { token: string; officeId: string; userId: string };
  cardId: string;
  cardNumber: string;
  applicationId: string;
  pin: string;
}> {
  const regionCode = opts.regionCode ?? 'demo';
  const person = opts.person ?? (await registerPerson(env, { regionCode }));
  const staff = await createStaff(env, regionCode, 'county_centre');
  const pin = opts.pin ?? CARD_PIN;
  const r = await call(env.app, 'POST', '/v1/staff/cards/applications', {
    token: staff.token,
    body: { channel: 'county_centre', idNumber: person.idNumber, name: person.name, idChecked: true, pin },
  });
  if (r.status !== 201) throw new Error(`card issue failed: ${r.status} ${r.raw}`);
  if (opts.activate) {
    const a = await call(env.app, 'POST', `/v1/staff/cards/${r.body.card.id}/activate`, {
      token: staff.token,
      body: { place: 'bank' },
    });
    if (a.status !== 200) throw new Error(`card activation failed: ${a.status} ${a.raw}`);
  }
  return {
    person,
    staff,
    cardId: r.body.card.id,
    cardNumber: r.body.card.cardNumber,
    applicationId: r.body.application.id,
    pin,
  };
}

/**
 * A verified person with an activated e-card whose payment function is open, and its payment PIN.
 * `withCard: true` issues a physical card first, so the e-card is mapped to it.
 */
export async function activeEcard(
  env: TestEnv,
  opts: {
    regionCode?: string;
    pin?: string;
    channel?: 'app' | 'wechat' | 'alipay' | 'bank_app';
    withCard?: boolean;
  } = {},
): Promise<TestPerson & { ecardId: string; paymentPin: string; cardId: string | null }> {
  const person = await verifiedPerson(env, { regionCode: opts.regionCode });
  const card = opts.withCard ? await issuedCard(env, { regionCode: opts.regionCode, person }) : null;
  const paymentPin = opts.pin ?? PAYMENT_PIN;
  const steps: Array<[string, unknown]> = [
    ['/v1/me/ecard', { channel: opts.channel ?? 'app', authorise: true }],
    ['/v1/me/ecard/activate', { consent: true }],
    ['/v1/me/ecard/payment', { pin: paymentPin, consent: true }],
  ];
  let ecardId = '';
  for (const [url, body] of steps) {
    const r = await call(env.app, 'POST', url, { token: person.token, body });
    if (r.status !== 200 && r.status !== 201) throw new Error(`${url} failed: ${r.status} ${r.raw}`);
    ecardId = r.body.id;
  }
  return { ...person, ecardId, paymentPin, cardId: card?.cardId ?? null };
}

let institutionCounter = 0;

/** A designated institution (a pharmacy by default) with a staff account, logged in. */
export async function createInstitution(
  env: TestEnv,
  opts: { kind?: 'hospital' | 'pharmacy'; regionCode?: string; acceptsEcard?: boolean } = {},
): Promise<{ institutionId: string; code: string; staffToken: string; regionCode: string }> {
  const kind = opts.kind ?? 'pharmacy';
  const serial =
    String(Date.now() % 1_000_000).padStart(6, '0') + String(++institutionCounter % 100_000).padStart(5, '0');
  const code = (kind === 'hospital' ? 'H' : 'P') + serial;
  const regionCode = opts.regionCode ?? 'demo';
  const r = await call(env.app, 'POST', '/v1/admin/institutions', {
    token: env.adminToken,
    body: {
      code,
      name: `${kind} ${institutionCounter}`,
      kind,
      tier: kind === 'hospital' ? 3 : undefined,
      regionCode,
      acceptsEcard: opts.acceptsEcard,
    },
  });
  if (r.status !== 201) throw new Error(`institution failed: ${r.status} ${r.raw}`);
  const login = `inst${institutionCounter}x${Date.now() % 100000}`;
  const s = await call(env.app, 'POST', `/v1/admin/institutions/${r.body.id}/staff`, {
    token: env.adminToken,
    body: { login, password: PASSWORD, displayName: 'Cashier' },
  });
  if (s.status !== 201) throw new Error(`institution staff failed: ${s.raw}`);
  if (env.testCatalogue && regionCode === 'demo') await mapTestCatalogue(env.db, r.body.id, env.clock.now());
  return { institutionId: r.body.id, code, staffToken: (await login_(env, login)).token, regionCode };
}

async function login_(env: TestEnv, loginName: string) {
  const r = await call(env.app, 'POST', '/v1/auth/login', { body: { login: loginName, password: PASSWORD } });
  if (r.status !== 200) throw new Error(`login failed: ${r.raw}`);
  return r.body as { token: string };
}

/** A terminal of the institution and its bearer credential. */
export async function createTerminal(
  env: TestEnv,
  inst: { staffToken: string },
  name = 'Till 1',
): Promise<{ terminalId: string; token: string }> {
  const r = await call(env.app, 'POST', '/v1/institution/terminals', {
    token: inst.staffToken,
    body: { name },
  });
  if (r.status !== 201) throw new Error(`terminal failed: ${r.status} ${r.raw}`);
  return { terminalId: r.body.terminal.id, token: r.body.credential };
}

/** A fresh QR code of the person's own e-card (or a relative's with `forPersonId`). */
export async function qrOf(env: TestEnv, person: { token: string }, forPersonId?: string): Promise<string> {
  const r = await call(env.app, 'GET', `/v1/me/ecard/qr${forPersonId ? `?for=${forPersonId}` : ''}`, {
    token: person.token,
  });
  if (r.status !== 200) throw new Error(`qr failed: ${r.status} ${r.raw}`);
  return r.body.token;
}

/**
 * A bill line: the institution's own item code, quantity and unit price (`yuan`, in yuan). Its coverage comes
 * from the code's mapping: the codes of test/support/catalogue.ts are in the catalogue, any other is not.
 */
export function item(code: string, yuan: number, opts: { quantity?: number; unitPrice?: number } = {}) {
  return { code, name: `药品${code}`, quantity: 1, unitPrice: Math.round(yuan * 100), ...opts };
}

let keyCounter = 0;
/** A unique Idempotency-Key. */
export const newKey = () => `key-${Date.now()}-${++keyCounter}`;

/** A settlement through the terminal API. */
export function settleCall(
  env: TestEnv,
  terminalToken: string,
  body: Record<string, unknown>,
  key: string | null = newKey(),
) {
  return call(env.app, 'POST', '/v1/terminal/settlements', {
    token: terminalToken,
    body,
    headers: key ? { 'idempotency-key': key } : {},
  });
}

/** An institution (a pharmacy by default) with one terminal: what a cashier's till needs. */
export async function createTill(
  env: TestEnv,
  opts: { kind?: 'hospital' | 'pharmacy'; acceptsEcard?: boolean } = {},
): Promise<Awaited<ReturnType<typeof createInstitution>> & { terminal: string; terminalId: string }> {
  const inst = await createInstitution(env, opts);
  const t = await createTerminal(env, inst);
  return { ...inst, terminal: t.token, terminalId: t.terminalId };
}

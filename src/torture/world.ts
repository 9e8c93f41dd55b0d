/**
 * The harness's world, written straight into a fresh database before the server starts (as the bench's
 * population is): region `demo` with the demo policy and premium rules, four institutions with a till per
 * client plus a spare till each, insured persons with active e-cards (payment open) and funded individual
 * accounts, mutual-aid family pairs, a few physical cards, an employer employing the employees, an agency
 * staff member and the employer's user with open sessions.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { Db } from '../platform/db.ts';
import { migrate } from '../platform/migrate.ts';
import { createInstitution, createTerminal } from '../institutions/store.ts';
import { loadWorkloadCatalogue } from '../../bench/mix.ts';
import { createUser } from '../accounts/store.ts';
import { createSession } from '../accounts/sessions.ts';
import { hashSecret } from '../platform/password.ts';
import { hashPaymentPin, paymentPinKey } from '../cards/payment-pin.ts';
import { formatCardNumber } from '../cards/number.ts';
import { loadKeyRing, rotateKeys } from '../qr/store.ts';
import type { KeyRing } from '../qr/keyring.ts';
import { deposit } from '../ledger/ledger.ts';
import { installDemoPolicy } from '../settlement/policy-store.ts';
import { installDemoPremiumRules } from '../contributions/store.ts';
import { prng, syntheticCitizen } from '../demo/synthetic.ts';
import { withDatabase } from '../../bench/pgbench.ts';
import { INSTITUTIONS, worldShape } from './schedule.ts';

import { PIN } from '../../bench/mix.ts';

export const PAYMENT_PIN = PIN;
export const CARD_PIN = '246810';

export interface TortureWorld {
  ring: KeyRing;
  institutions: Array<{ id: string; kind: string }>;
  /** The k-th client's till (at institution k mod 4). */
  tills: string[];
  /** A spare till per institution: the second till of a QR code shown twice. */
  spareTills: string[];
  persons: Array<{ id: string; ecardId: string; idNumber: string; employee: boolean }>;
  cards: string[];
  pairs: Array<{ binder: number; relative: number }>;
  employer: { id: string; token: string; bases: Array<{ idNumber: string; declaredBase: number }> };
  staffToken: string;
}

/** Creates the database `name` on the server; returns its URL. */
export async function createDatabase(serverUrl: string, name: string): Promise<string> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`create database ${name}`);
  } finally {
    await c.end();
  }
  return withDatabase(serverUrl, name);
}

export async function dropDatabase(serverUrl: string, name: string): Promise<void> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(`drop database if exists ${name} with (force)`);
  } finally {
    await c.end();
  }
}

const SESSION_SECONDS = 8 * 3600;

export async function buildWorld(
  db: Db,
  seed: number,
  clients: number,
  secretKey: Buffer,
  now = new Date(),
): Promise<TortureWorld> {
  await migrate(db);
  const shape = worldShape(clients);
  const rnd = prng(seed ^ 0x5eed);
  await db.query(`insert into regions (code, name) values ('demo', 'Torture region')`);
  await installDemoPolicy(db, now);
  await installDemoPremiumRules(db, now);
  await rotateKeys(db, secretKey, now);

  const institutions: TortureWorld['institutions'] = [];
  for (const [i, inst] of INSTITUTIONS.entries()) {
    const created = await createInstitution(db, {
      code: inst.code,
      name: `Torture ${inst.kind} ${i}`,
      kind: inst.kind,
      ...(inst.kind === 'hospital' ? { tier: 3 } : {}),
      regionCode: 'demo',
    });
    institutions.push({ id: created.id, kind: inst.kind });
  }
  // The agency's catalogue and each institution's items mapped to it: the bills' coverage comes from there.
  await loadWorkloadCatalogue(db, institutions, now);
  const tillStaff = await createUser(db, {
    role: 'institution',
    login: 'torture-till',
    password: randomUUID(),
    displayName: 'torture',
    institutionId: institutions[0]!.id,
  });
  const till = async (inst: number, name: string) =>
    (await createTerminal(db, now, institutions[inst]!.id, name, tillStaff)).credential;
  const tills = [];
  for (let c = 0; c < clients; c++) tills.push(await till(c % institutions.length, `till ${c}`));
  const spareTills = [];
  for (let i = 0; i < institutions.length; i++) spareTills.push(await till(i, `spare till ${i}`));

  const employerId = randomUUID();
  await db.query(`insert into employers (id, credit_code, name, region_code) values ($1, $2, $3, 'demo')`, [
    employerId,
    `TORTURE${seed}`,
    'Torture employer',
  ]);
  const pinHash = hashPaymentPin(paymentPinKey(secretKey), PAYMENT_PIN);
  const persons: TortureWorld['persons'] = [];
  const bases: TortureWorld['employer']['bases'] = [];
  for (let i = 0; i < shape.people; i++) {
    const citizen = syntheticCitizen(seed * 1000 + i);
    const employee = i % 3 !== 0;
    const id = randomUUID();
    const ecardId = randomUUID();
    await db.query(
      `insert into persons (id, id_number, name, gender, birth_date, region_code, insurance_type, retired, identity_status, employer_id)
       values ($1, $2, $3, $4, $5, 'demo', $6, $7, 'verified', $8)`,
      [
        id,
        citizen.idNumber,
        citizen.name,
        Number(citizen.idNumber[16]) % 2 === 1 ? 'male' : 'female',
        citizen.birthDate,
        employee ? 'employee' : 'resident',
        i % 7 === 6,
        employee ? employerId : null,
      ],
    );
    await db.query(
      `insert into ecards (id, person_id, region_code, status, payment_open, payment_pin_hash, applied_channel, applied_at,
         activated_at, payment_opened_at, updated_at)
       values ($1, $2, 'demo', 'active', true, $3, 'app', $4, $4, $4, $4)`,
      [ecardId, id, pinHash, now],
    );
    if (employee) {
      await db.query(
        `insert into employments (id, employer_id, person_id, hire_date, registered_on, overdue)
         values ($1, $2, $3, '2020-01-01', '2020-01-10', false)`,
        [randomUUID(), employerId, id],
      );
      bases.push({ idNumber: citizen.idNumber, declaredBase: 400_000 + Math.floor(rnd() * 1_600_000) });
    }
    // Small balances, so that accounts run dry and mutual aid and cash take over; binders hold more.
    const opening = i < 2 * shape.pairs && i % 2 === 0 ? 400_000 : Math.floor(rnd() * 4) * 50_000;
    if (opening > 0) await db.transaction((tx) => deposit(tx, id, opening, 'torture opening', now));
    persons.push({ id, ecardId, idNumber: citizen.idNumber, employee });
  }
  const pairs = [];
  for (let k = 0; k < shape.pairs; k++) {
    pairs.push({ binder: 2 * k, relative: 2 * k + 1 });
    await db.query(
      `insert into family_bindings (id, binder_person_id, relative_person_id, kinship, channel, mutual_aid, created_at)
       values ($1, $2, $3, 'spouse', 'app', true, $4)`,
      [randomUUID(), persons[2 * k]!.id, persons[2 * k + 1]!.id, now],
    );
  }
  const cardPinHash = await hashSecret(CARD_PIN);
  const cards = [];
  for (let k = 0; k < shape.cards; k++) {
    const person = persons[shape.people - 1 - k]!;
    const cardNumber = formatCardNumber('demo', 1000 + k);
    await db.query(
      `insert into cards (id, person_id, region_code, card_number, bank, status, pin_hash, issued_at, activated_at,
         activation_place, updated_at)
       values ($1, $2, 'demo', $3, 'Torture bank', 'active', $4, $5, $5, 'bank', $5)`,
      [randomUUID(), person.id, cardNumber, cardPinHash, now],
    );
    cards.push(cardNumber);
  }

  const officeId = randomUUID();
  await db.query(
    `insert into offices (id, region_code, name, kind) values ($1, 'demo', 'Torture centre', 'county_centre')`,
    [officeId],
  );
  const staff = await createUser(db, {
    role: 'staff',
    login: 'torture-staff',
    password: randomUUID(),
    displayName: 'torture staff',
    officeId,
  });
  const employerUser = await createUser(db, {
    role: 'employer',
    login: 'torture-employer',
    password: randomUUID(),
    displayName: 'torture employer',
    employerId,
  });
  return {
    ring: await loadKeyRing(db, secretKey),
    institutions,
    tills,
    spareTills,
    persons,
    cards,
    pairs,
    employer: {
      id: employerId,
      token: (await createSession(db, employerUser, now, SESSION_SECONDS)).token,
      bases,
    },
    staffToken: (await createSession(db, staff, now, SESSION_SECONDS)).token,
  };
}

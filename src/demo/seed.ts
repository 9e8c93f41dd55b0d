import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db.ts';
import { createUser } from '../accounts/store.ts';
import { upsertRegistry } from '../people/registry.ts';
import { checkIdNumber } from '../people/id-number.ts';
import { insertPerson } from '../people/store.ts';
import { makeCreditCode } from '../employers/credit-code.ts';
import { syntheticCitizen } from './synthetic.ts';
import { installDemoPolicy } from '../settlement/policy-store.ts';
import { installDemoPremiumRules } from '../contributions/store.ts';
import { hashSecret } from '../platform/password.ts';
import { hashPaymentPin } from '../cards/payment-pin.ts';
import { deposit } from '../ledger/ledger.ts';
import { createInstitution, createTerminal } from '../institutions/store.ts';
import { CATALOGUE_KINDS } from '../catalogue/rows.ts';
import { loadCatalogue } from '../catalogue/store.ts';
import { insertApprovedMappings } from '../catalogue/mappings.ts';
import { DEMO_MAPPED, demoCatalogueRows } from './catalogue.ts';
import { addPriceItem, type NewPriceItem } from '../institutions/price-list.ts';
import { businessDate } from '../platform/business-date.ts';

const DEMO_REGION = 'demo';
/** Demo accounts and passwords, printed at seed time; never used outside demo mode. */
export const DEMO_ACCOUNTS = {
  person: { login: '13800000001', password: 'demo-pass-1' },
  relative: { login: '13800000002', password: 'demo-pass-2' },
  staff: { login: 'staff', password: 'staff-demo-pass' },
  employer: { login: 'employer', password: 'employer-demo-pass' },
  pharmacy: { login: 'pharmacy', password: 'pharmacy-demo-pass' },
};
/** The demo e-card payment PIN of both demo people. */
export const DEMO_PAYMENT_PIN = '123456';

/** A few items on the demo pharmacy's and hospital's price lists (unit prices in fen). */
export const DEMO_PRICE_LIST: Record<'pharmacy' | 'hospital', NewPriceItem[]> = {
  pharmacy: [
    {
      code: 'XJ01CA04',
      name: '阿莫西林胶囊 Amoxicillin 0.25g×24',
      unit: '盒',
      unitPrice: 2_580,
    },
    {
      code: 'XM01AE01',
      name: '布洛芬缓释胶囊 Ibuprofen SR 0.3g×20',
      unit: '盒',
      unitPrice: 1_850,
    },
    {
      code: 'XA10BA02',
      name: '二甲双胍片 Metformin 0.5g×60',
      unit: '盒',
      unitPrice: 3_260,
    },
    {
      code: 'ZZ-VC-100',
      name: '维生素C咀嚼片 Vitamin C chewable ×100',
      unit: '瓶',
      unitPrice: 3_900,
    },
  ],
  hospital: [
    {
      code: 'F110200001',
      name: '门诊诊查费 Outpatient consultation',
      unit: '次',
      unitPrice: 3_000,
    },
    {
      code: 'F210300001',
      name: 'CT 平扫 CT scan',
      unit: '次',
      unitPrice: 45_000,
    },
    {
      code: 'F110900001',
      name: '住院床位费 Inpatient bed',
      unit: '天',
      unitPrice: 8_000,
    },
    {
      code: 'F311000001',
      name: '血液透析 Haemodialysis',
      unit: '次',
      unitPrice: 42_000,
    },
  ],
};

export interface SeedReport {
  seeded: boolean;
  registryRows: number;
  /** The demo pharmacy terminal's credential, shown once. */
  terminalCredential?: string;
}

/**
 * Loads the demo region, offices, staff, an employer, a few thousand registry citizens and two people. Idempotent.
 * With the server's `paymentPinKey` the demo payment PINs are stored as its HMAC; without it (the CLI seed) as
 * the older scrypt form, which the first right PIN at a till rewrites (src/cards/payment-pin.ts).
 */
export async function seedDemo(
  db: Db,
  now: Date,
  registrySize = 5000,
  opts: { paymentPinKey?: Buffer } = {},
): Promise<SeedReport> {
  const { rows } = await db.query('select 1 from regions where code = $1', [DEMO_REGION]);
  if (rows.length) return { seeded: false, registryRows: 0 };
  const terminalCredential = await db.transaction(async (tx) => {
    await tx.query(
      `insert into regions (code, name) values ($1, 'Demo region 演示统筹区'), ('440300', 'Shenzhen 深圳市')`,
      [DEMO_REGION],
    );
    await installDemoPolicy(tx, now);
    await installDemoPremiumRules(tx, now);
    const county = randomUUID();
    const servicePoint = randomUUID();
    await tx.query(
      `insert into offices (id, region_code, name, kind) values
        ($1, $3, 'Demo County Medical Insurance Centre 县医保中心', 'county_centre'),
        ($2, $3, 'Demo Street Service Point 街道医保服务点', 'service_point')`,
      [county, servicePoint, DEMO_REGION],
    );
    await createUser(tx, {
      role: 'staff',
      ...DEMO_ACCOUNTS.staff,
      displayName: 'Counter staff 柜员',
      officeId: county,
    });
    await createUser(tx, {
      role: 'staff',
      login: 'service-point',
      password: DEMO_ACCOUNTS.staff.password,
      displayName: 'Service point staff 服务点',
      officeId: servicePoint,
    });

    const personIds: string[] = [];
    const citizens = Array.from({ length: registrySize }, (_, n) => syntheticCitizen(n));
    await upsertRegistry(tx, citizens, now);

    const employerId = randomUUID();
    await tx.query('insert into employers (id, credit_code, name, region_code) values ($1, $2, $3, $4)', [
      employerId,
      makeCreditCode('91440300MA5DEM001'),
      'Demo Technology Co. 演示科技有限公司',
      DEMO_REGION,
    ]);
    await createUser(tx, {
      role: 'employer',
      ...DEMO_ACCOUNTS.employer,
      displayName: 'Demo Technology Co.',
      employerId,
    });

    for (const [i, key] of (['person', 'relative'] as const).entries()) {
      const c = citizens[i]!;
      const check = checkIdNumber(c.idNumber, now);
      if (!check.ok) throw new Error('demo citizen has an invalid ID number');
      const person = await insertPerson(tx, {
        id: check.info,
        name: c.name,
        regionCode: DEMO_REGION,
        insuranceType: i === 0 ? 'employee' : 'resident',
        employerId: i === 0 ? employerId : null,
      });
      await tx.query(`update persons set identity_status = 'verified' where id = $1`, [person.id]);
      if (i === 0) {
        await tx.query(
          `insert into employments (id, employer_id, person_id, hire_date, registered_on, overdue) values ($1, $2, $3, $4, $4, false)`,
          [randomUUID(), employerId, person.id, businessDate(now)],
        );
      }
      await createUser(tx, {
        role: 'person',
        ...DEMO_ACCOUNTS[key],
        displayName: c.name,
        personId: person.id,
      });
      personIds.push(person.id);
      // An activated e-card with its payment function open, and money in the individual account.
      await tx.query(
        `insert into ecards (id, person_id, region_code, status, payment_open, payment_pin_hash, applied_channel, applied_at,
           activated_at, payment_opened_at, updated_at)
         values ($1, $2, $3, 'active', true, $4, 'app', $5, $5, $5, $5)`,
        [
          randomUUID(),
          person.id,
          DEMO_REGION,
          opts.paymentPinKey
            ? hashPaymentPin(opts.paymentPinKey, DEMO_PAYMENT_PIN)
            : await hashSecret(DEMO_PAYMENT_PIN),
          now,
        ],
      );
      await deposit(tx, person.id, i === 0 ? 200_000 : 5_000, 'demo opening balance', now);
    }
    // The demo person bound the relative, with family mutual aid and card display.
    await tx.query(
      `insert into family_bindings (id, binder_person_id, relative_person_id, kinship, channel, mutual_aid, card_display, created_at,
         display_decided_at)
       values ($1, $2, $3, 'sibling', 'app', true, 'confirmed', $4, $4)`,
      [randomUUID(), personIds[0], personIds[1], now],
    );

    const pharmacy = await createInstitution(tx, {
      code: 'P99000000001',
      name: 'Demo Pharmacy 演示大药房',
      kind: 'pharmacy',
      regionCode: DEMO_REGION,
    });
    const hospital = await createInstitution(tx, {
      code: 'H99000000001',
      name: 'Demo People’s Hospital 演示人民医院',
      kind: 'hospital',
      tier: 3,
      regionCode: DEMO_REGION,
    });
    const staffId = await createUser(tx, {
      role: 'institution',
      ...DEMO_ACCOUNTS.pharmacy,
      displayName: 'Pharmacy manager',
      institutionId: pharmacy.id,
    });
    for (const item of DEMO_PRICE_LIST.pharmacy) await addPriceItem(tx, now, pharmacy.id, item);
    for (const item of DEMO_PRICE_LIST.hospital) await addPriceItem(tx, now, hospital.id, item);
    // The agency's catalogues, and the demo institutions' items mapped to them (already reviewed).
    for (const kind of CATALOGUE_KINDS)
      await loadCatalogue(tx, {
        region: DEMO_REGION,
        kind,
        rows: demoCatalogueRows(kind),
        importedBy: null,
        now,
      });
    for (const [institution, items] of [
      [pharmacy, DEMO_PRICE_LIST.pharmacy],
      [hospital, DEMO_PRICE_LIST.hospital],
    ] as const) {
      const pairs = items.flatMap((i) => {
        const entry = DEMO_MAPPED[i.code];
        return entry ? [{ itemCode: i.code, catalogueCode: entry.code }] : [];
      });
      await insertApprovedMappings(tx, institution.id, pairs, now);
    }
    const till = await createTerminal(tx, now, pharmacy.id, 'Till 1 收银台', staffId);
    return till.credential;
  });
  return { seeded: true, registryRows: registrySize, terminalCredential };
}

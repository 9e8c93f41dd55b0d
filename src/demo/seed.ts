import { randomUUID } from 'node:crypto';
import type { Db } from '../platform/db.ts';
import { createUser } from '../accounts/store.ts';
import { upsertRegistry } from '../people/registry.ts';
import { checkIdNumber } from '../people/id-number.ts';
import { insertPerson } from '../people/store.ts';
import { makeCreditCode } from '../employers/credit-code.ts';
import { syntheticCitizen } from './synthetic.ts';
import { installDemoPolicy } from '../settlement/policy-store.ts';

export const DEMO_REGION = 'demo';
/** Demo accounts and passwords, printed at seed time; never used outside demo mode. */
export const DEMO_ACCOUNTS = {
  person: { login: '13800000001', password: 'demo-pass-1' },
  relative: { login: '13800000002', password: 'demo-pass-2' },
  staff: { login: 'staff', password: 'staff-demo-pass' },
  employer: { login: 'employer', password: 'employer-demo-pass' },
};

export interface SeedReport {
  seeded: boolean;
  registryRows: number;
}

/** Loads the demo region, offices, staff, an employer, a few thousand registry citizens and two people. Idempotent. */
export async function seedDemo(db: Db, now: Date, registrySize = 5000): Promise<SeedReport> {
  const { rows } = await db.query('select 1 from regions where code = $1', [DEMO_REGION]);
  if (rows.length) return { seeded: false, registryRows: 0 };
  await db.transaction(async (tx) => {
    await tx.query(
      `insert into regions (code, name) values ($1, 'Demo region 演示统筹区'), ('440300', 'Shenzhen 深圳市')`,
      [DEMO_REGION],
    );
    await installDemoPolicy(tx, now);
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
          [randomUUID(), employerId, person.id, now.toISOString().slice(0, 10)],
        );
      }
      await createUser(tx, {
        role: 'person',
        ...DEMO_ACCOUNTS[key],
        displayName: c.name,
        personId: person.id,
      });
    }
  });
  return { seeded: true, registryRows: registrySize };
}

import type { Ctx } from '../platform/context.ts';
import { unprocessable } from '../platform/errors.ts';
import { assertRegion, findPersonByIdNumber, insertPerson, parseIdNumber } from '../people/store.ts';
import { createUser } from './store.ts';

export interface Registration {
  phone: string;
  password: string;
  name: string;
  idNumber: string;
  regionCode: string;
  insuranceType?: 'resident' | 'flexible';
}

/**
 * Registers a person's account. When an employer has already registered this ID number, the account is
 * attached to that record (the names must agree); otherwise a new insured person is created.
 * All in one transaction: a refused registration leaves nothing behind.
 */
export async function registerPerson(
  ctx: Ctx,
  r: Registration,
): Promise<{ userId: string; personId: string }> {
  const id = parseIdNumber(r.idNumber, ctx.now);
  const name = r.name.trim();
  return ctx.db.transaction(async (tx) => {
    await assertRegion(tx, r.regionCode);
    let person = await findPersonByIdNumber(tx, id.idNumber, true);
    if (person && person.name !== name) {
      throw unprocessable(
        'name_mismatch',
        'The name does not match the insured person already registered with this ID number',
        {
          field: 'name',
        },
      );
    }
    person ??= await insertPerson(tx, {
      id,
      name,
      regionCode: r.regionCode,
      insuranceType: r.insuranceType ?? 'resident',
    });
    const userId = await createUser(tx, {
      role: 'person',
      login: r.phone,
      password: r.password,
      displayName: name,
      personId: person.id,
    });
    return { userId, personId: person.id };
  });
}

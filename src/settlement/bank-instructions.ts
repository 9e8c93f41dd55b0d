/**
 * Cash shares paid "by social security card bank account": each is an instruction to the person's bank,
 * recorded with the settlement in its transaction. There is no bank here, so nothing pretends to transfer:
 * an instruction stays `instructed` until a bank answers, and a full refund before that cancels it.
 */
import { randomUUID } from 'node:crypto';
import type { Queryable, Statement } from '../platform/db.ts';

/** The instruction's insert, for the settlement's one write statement. */
export function bankInstructionWrite(i: {
  settlementId: string;
  personId: string;
  institutionId: string;
  regionCode: string;
  businessDate: string;
  bank: string;
  accountMasked: string;
  amount: number;
  at: Date;
}): Statement {
  return {
    sql: `insert into bank_instructions (id, settlement_id, person_id, institution_id, region_code, business_date,
            amount, bank, account_masked, status, created_at, updated_at)
          values ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'instructed', $10, $10)`,
    params: [
      randomUUID(),
      i.settlementId,
      i.personId,
      i.institutionId,
      i.regionCode,
      i.businessDate,
      i.amount,
      i.bank,
      i.accountMasked,
      i.at,
    ],
  };
}

/** A settlement refunded in full: its bank instruction, if still only instructed, is cancelled. */
export async function cancelBankInstruction(tx: Queryable, settlementId: string, at: Date): Promise<void> {
  await tx.query(
    `update bank_instructions set status = 'cancelled', updated_at = $2
      where settlement_id = $1 and status = 'instructed'`,
    [settlementId, at],
  );
}

/**
 * Cash shares paid "by social security card bank account": each is an instruction to the person's bank,
 * recorded with the settlement in its transaction. There is no bank here, so nothing pretends to transfer:
 * an instruction stays `instructed` until a bank answers; a refund's cash share before that reduces what is
 * due (`refunded`), and once all of it is refunded the instruction is `cancelled`.
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

/**
 * A refund of a settlement whose cash share went to the bank: `cash` fen of it is no longer due (in the
 * refund's transaction); all of it refunded, the instruction is cancelled.
 */
export async function refundBankShare(
  tx: Queryable,
  settlementId: string,
  cash: number,
  at: Date,
): Promise<void> {
  if (cash <= 0) return;
  await tx.query(
    `update bank_instructions
        set refunded = refunded + $2,
            status = case when refunded + $2 >= amount then 'cancelled' else status end, updated_at = $3
      where settlement_id = $1 and status = 'instructed'`,
    [settlementId, cash, at],
  );
}

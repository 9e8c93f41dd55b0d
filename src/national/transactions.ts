/**
 * Every national transaction this gateway answers, by `infno`: sign-in and sign-out here; who a message is
 * about in people.ts; visits and fees in visits.ts; settling, cancelling and reversing over the core in
 * settling.ts; reconciliation in statements.ts; catalogue downloads in catalogue.ts.
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from './call.ts';
import { dataOf, field, formatTime, refuse } from './envelope.ts';
import { PEOPLE } from './people.ts';
import { VISITS } from './visits.ts';
import { SETTLING } from './settling.ts';
import { STATEMENTS } from './statements.ts';
import { CATALOGUE } from './catalogue.ts';

const SIGN_IN: Record<string, Transaction> = {
  /** Sign-in: a sign_no for the institution's later messages. */
  '9001': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '9001', 'signIn');
      const opterNo = field(d, 'opter_no', 'input.signIn');
      const signNo = randomBytes(16).toString('hex').toUpperCase();
      await q.query(
        `insert into national_sign_ins (sign_no, institution_id, terminal_id, opter, signed_in_at) values ($1, $2, $3, $4, $5)`,
        [signNo, c.institution.id, c.terminal.terminalId, opterNo, c.ctx.now],
      );
      return { signinoutb: { sign_time: formatTime(c.ctx.now), sign_no: signNo } };
    },
  },

  /** Sign-out: the sign_no stops being accepted. */
  '9002': {
    local: true,
    async run(c, q) {
      const d = dataOf(c.input, '9002', 'signOut');
      const signNo = field(d, 'sign_no', 'input.signOut');
      const { rows } = await q.query(
        `update national_sign_ins set signed_out_at = $3 where sign_no = $1 and institution_id = $2 and signed_out_at is null
         returning sign_no`,
        [signNo, c.institution.id, c.ctx.now],
      );
      if (!rows[0]) refuse('sign_no_invalid', `No open sign-in ${signNo} of this institution`);
      return { signoutoutb: { sign_time: formatTime(c.ctx.now) } };
    },
  },
};

const TRANSACTIONS: Record<string, Transaction> = {
  ...SIGN_IN,
  ...PEOPLE,
  ...VISITS,
  ...SETTLING,
  ...STATEMENTS,
  ...CATALOGUE,
};

export function transactionOf(infno: string): Transaction | undefined {
  return Object.hasOwn(TRANSACTIONS, infno) ? TRANSACTIONS[infno] : undefined;
}

export const SUPPORTED_INFNOS = Object.keys(TRANSACTIONS).sort();

/**
 * Who a message is about: the e-voucher decode (`ec.query`), 1101 person information, and the look-ups the
 * other transactions share (certificate → person, the insured region check, the account balance). Names and
 * ID numbers leave masked, as the core masks them for institutions.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { maskIdNumber, maskName } from '../platform/mask.ts';
import { verifyScannedCode } from '../qr/scan.ts';
import { scan } from '../settlement/eligibility.ts';
import { balanceOf, findAccount } from '../ledger/ledger.ts';
import type { Call, Transaction } from './call.ts';
import { dataOf, field, isUuid, formatTime, refuse } from './envelope.ts';
import { fenToYuan } from './money.ts';

export interface PersonRow {
  id: string;
  id_number: string;
  name: string;
  region_code: string;
  insurance_type: 'employee' | 'resident' | 'flexible';
  retired: boolean;
  status: string;
}
const PERSON = 'p.id, p.id_number, p.name, p.region_code, p.insurance_type, p.retired, p.status';

/** 310 employee basic medical insurance (flexible workers join it too), 390 urban-rural residents. */
export const insutypeOf = (p: PersonRow) => (p.insurance_type === 'resident' ? '390' : '310');

/** A live e-voucher token of this institution. */
export async function ecTokenOf(c: Call, q: Queryable, token: string) {
  const { rows } = await q.query<{ person_id: string; qr: string; expires_at: Date }>(
    'select person_id, qr, expires_at from national_ec_tokens where token = $1 and institution_id = $2',
    [token, c.institution.id],
  );
  const t = rows[0];
  if (!t)
    return refuse('ec_token_unknown', 'No such e-voucher token at this institution: decode the code again');
  if (t.expires_at <= c.ctx.now)
    return refuse('ec_token_expired', 'The e-voucher token has expired: ask the person for a fresh code');
  return t;
}

/** The person a medical certificate names: 01 e-voucher token, 02 ID number, 03 card number. */
export async function personByCert(c: Call, q: Queryable, d: Record<string, unknown>): Promise<PersonRow> {
  const type = field(d, 'mdtrt_cert_type');
  const no = field(d, 'mdtrt_cert_no');
  let rows: PersonRow[];
  if (type === '01') {
    const t = await ecTokenOf(c, q, no);
    ({ rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id = $1`, [t.person_id]));
  } else if (type === '02') {
    ({ rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id_number = $1`, [
      no.toUpperCase(),
    ]));
  } else if (type === '03') {
    ({ rows } = await q.query<PersonRow>(
      `select ${PERSON} from cards c join persons p on p.id = c.person_id
        where c.card_number = $1 and c.status in ('issued', 'active')`,
      [no],
    ));
  } else {
    return refuse('mdtrt_cert_type_unsupported', `mdtrt_cert_type ${type} is not one of 01, 02, 03`);
  }
  if (!rows[0]) return refuse('person_not_found', 'No insured person for this certificate');
  return rows[0];
}

export async function personById(q: Queryable, psnNo: string): Promise<PersonRow> {
  if (!isUuid(psnNo)) return refuse('person_not_found', `No insured person ${psnNo}`);
  const { rows } = await q.query<PersonRow>(`select ${PERSON} from persons p where p.id = $1`, [psnNo]);
  return rows[0] ?? refuse('person_not_found', `No insured person ${psnNo}`);
}

/** The envelope's insured region must be the person's (the national interface requires it to be right). */
export function checkInsuredRegion(c: Call, p: PersonRow): void {
  const given = c.env.insuplc_admdvs;
  if (!given) refuse('field_missing', 'insuplc_admdvs (the insured region) is required for this person');
  if (given !== p.region_code)
    refuse('insuplc_admdvs_mismatch', `The person is insured in ${p.region_code}, not ${given}`);
}

export async function accountBalance(q: Queryable, personId: string): Promise<number> {
  const account = await findAccount(q, 'individual', personId);
  return account ? balanceOf(q, account) : 0;
}

export const PEOPLE: Record<string, Transaction> = {
  /**
   * The e-voucher decode (the ec.query an HIS calls on a scanned code): the core's scan checks the code,
   * the e-card and the person and audits the scan; the answer is a short token standing for the code.
   */
  'ec.query': {
    local: false,
    async run(c, q) {
      const d = dataOf(c.input, 'ec.query');
      const qr = field(d, 'qrcode');
      const eligibility = await scan(c.ctx, c.keys, c.terminal, { qr });
      const { keySet, claims } = await verifyScannedCode(c.ctx, c.keys, c.institution.id, qr);
      // The national decode is the e-voucher's; the e-SSC has its own platform and interface.
      if (keySet !== 'ecard')
        refuse('mdtrt_cert_type_unsupported', 'ec.query decodes e-voucher codes only', 'qrcode');
      const { rows } = await q.query<{ person_id: string; region_code: string }>(
        'select e.person_id, p.region_code from ecards e join persons p on p.id = e.person_id where e.id = $1',
        [claims.ecardId],
      );
      const token = randomBytes(16).toString('hex');
      const expiresAt = new Date(claims.expiresAt.getTime() + c.ctx.config.qrClockSkewSeconds * 1000);
      await q.query(
        `insert into national_ec_tokens (token, institution_id, ecard_id, person_id, qr, expires_at, created_at)
         values ($1, $2, $3, $4, $5, $6, $7)`,
        [token, c.institution.id, claims.ecardId, rows[0]!.person_id, qr, expiresAt, c.ctx.now],
      );
      return {
        data: {
          ecToken: token,
          idType: '01',
          idNo: eligibility.person.maskedIdNumber,
          userName: eligibility.person.maskedName,
          insuOrg: rows[0]!.region_code,
          expireTime: formatTime(expiresAt),
        },
      };
    },
  },

  /** Person information, masked as the core masks for institutions. */
  '1101': {
    local: false,
    async run(c, q) {
      const p = await personByCert(c, q, dataOf(c.input, '1101'));
      return {
        baseinfo: {
          psn_no: p.id,
          psn_cert_type: '01',
          certno: maskIdNumber(p.id_number),
          psn_name: maskName(p.name),
          gend: null,
          naty: null,
          brdy: null,
          age: null,
        },
        insuinfo: [
          {
            balc: fenToYuan(await accountBalance(q, p.id)),
            insutype: insutypeOf(p),
            psn_type: p.insurance_type === 'resident' ? '1501' : p.retired ? '12' : '11',
            psn_insu_stas: p.status === 'active' ? '1' : p.status === 'suspended' ? '2' : '4',
            psn_insu_date: null,
            paus_insu_date: null,
            cvlserv_flag: '0',
            insuplc_admdvs: p.region_code,
            emp_name: null,
          },
        ],
        idetinfo: [],
      };
    },
  },
};

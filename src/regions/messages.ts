import type { TillBill } from '../settlement/resolve.ts';
import type { BillCoverage } from '../catalogue/store.ts';
import type { SettlementView } from '../settlement/settle.ts';
import type { RefundView } from '../settlement/refund.ts';
import type { Refusal } from './rpc.ts';

/** What every request from a treatment region carries. */
interface RequestHead {
  /** Its JetStream `Nats-Msg-Id` (`requestMsgId`). */
  msgId: string;
  treatmentRegion: string;
  institution: { id: string; code: string; name: string };
  terminalId: string | null;
  /** The till's Idempotency-Key; the insured region stores its answer under it. */
  key: string;
  /** The request's hash on the treatment side: the same key with another body is refused on both sides. */
  hash: string;
  /** Which try of this key (after a refusal the till may try again with the same key). */
  attempt: number;
  /** When the till sent it; the business date of both sides' records. */
  at: string;
  /** Not processed after this (the till has given up): answered `region_request_expired`, nothing moves. */
  deadline: string;
}

/**
 * A settlement of a person of the insured region: the till's bill with what the treatment region's catalogue
 * says of its item codes (the institution's approved mappings, the entries in force); the insured region adds
 * the person's approvals and applies its own policy.
 */
export interface SettleAcross extends RequestHead {
  kind: 'settle';
  qr: string;
  bill: TillBill;
  coverage: BillCoverage;
  paymentPin?: string;
  familyAccount?: boolean;
}

/**
 * An estimate (`estimate: true` at the till): the same bill, answered by the insured region over core
 * request/reply (`yibao.region.<insured>.estimate`) without writing anything, so with no key, deadline or PIN.
 */
export type EstimateAcross = Omit<
  SettleAcross,
  'kind' | 'msgId' | 'key' | 'hash' | 'attempt' | 'deadline' | 'paymentPin'
> & { kind: 'estimate' };

/** A refund of such a settlement, whole or by line. */
export interface RefundAcross extends RequestHead {
  kind: 'refund';
  settlementId: string;
  lines?: number[];
  reason: string;
}

export type AcrossRequest = SettleAcross | RefundAcross;

/** The insured region's answer, published to the treatment region's answer subject. */
export type AcrossAnswer = {
  msgId: string;
  kind: AcrossRequest['kind'];
  insuredRegion: string;
  institutionId: string;
  key: string;
  attempt: number;
  /** The settlement a refund is of. */
  settlementId?: string;
} & (
  | { ok: true; settlement?: SettlementView; refund?: RefundView }
  | { ok: false; error: Refusal; stored: false }
);

/**
 * The settlement policy calculator: given a policy, a person, their year-to-date accumulators and
 * account balances, and a bill, it decides who pays what for each item. Pure and deterministic: no
 * I/O, no clock, no randomness; the same input always gives the same result.
 *
 * Calculation order, per item in bill order (the year's state carries from item to item):
 *  1. Out of catalogue (`catalogue: 'out'`), Class C (`category: 'C'`) or outside the catalogue's
 *     restriction (`restrictedTo`): 100% the person's, counted as fully self-paid. Touches no accumulator.
 *  2. Price limit: the part of the unit price above the catalogue's `priceLimit`, times the quantity, is the
 *     person's (over the limit); the fund never pays it. The rest is the item's amount within the limit.
 *  3. Class B self-pay-first: `within limit × ratio`, half-up, to the person; the ratio is the item's own
 *     `selfPayFirstBp` (the catalogue's) or else the policy's `catalogue[category].selfPayFirstBp`.
 *     `category` defaults to 'A'. The rest is the item's "eligible" amount.
 *  4. The eligible amount goes through exactly one rule:
 *     - `inpatient`: the year's remaining deductible first (to the person), then the fund pays the
 *       inpatient ratio of the rest. The retired ratio applies only to retired EMPLOYEES; residents and
 *       flexible workers use the not-retired ratio whatever `retired` says.
 *     - `outpatient` (ordinary): the person pays until the year's eligible outpatient spending reaches
 *       the threshold; of the part above, the fund pays the outpatient ratio. The whole eligible amount
 *       is added to `outpatientEligibleSpent` (it counts spending, not only the part below).
 *     - `large_equipment`, `special_outpatient`: fund pays their ratio of the eligible amount; no
 *       deductible or threshold applies and they do not count as ordinary outpatient spending.
 *     - `special_material` with unit price ABOVE the limit (strictly greater): fund pays the domestic
 *       ratio × domestic reference price × quantity, or with no domestic price the imported ratio ×
 *       imported reference price × quantity, capped at the eligible amount; the person pays the rest.
 *     - `special_material` at or below the limit: the ordinary rule of the bill's `setting`, and it
 *       needs no approval (approval is for high-value material only).
 *     Items of a type listed in `policy.approvalRequired` without a non-blank `approvalRef`, and a special
 *     material above the limit without a reference price, are the person's entirely
 *     (`rule: 'approval_missing'`, an explanation line, never an exception).
 *  5. Fund ceiling: shared by all categories. The fund's share is capped at what is left of the
 *     year's ceiling; the overflow goes to the person. The deductible and threshold still count.
 *  6. The person's share of the item = amount − fund share.
 *
 * Rounding: each ratio is applied once per item with `mulRatioHalfUp` (half-up to the fen, exact
 * integer arithmetic). The fund's share is the rounded figure; the person's share is the remainder,
 * so every line sums exactly to its amount and the totals to the bill. The self-pay-first part is
 * also rounded half-up (on the person's side) before the rule. The deductible and threshold split an
 * item's amount exactly (no rounding needed).
 *
 * Paying the person's share: the individual account first (up to its balance), then the bound
 * relative's account if given (family mutual aid, up to its balance), then cash. It is allocated to
 * items in bill order, so each line has its own account / relative / cash parts (for exact refunds of
 * single items). The account pays every part of the person's share, out-of-catalogue included.
 *
 * Accumulators: `inpatientDeductiblePaid` grows by the deductible part, `outpatientEligibleSpent` by
 * ordinary-outpatient eligible amounts, `fundPaid` by the fund's share. Each line carries its deltas;
 * new accumulators = old + sum of deltas.
 *
 * Errors: a bad item throws `AppError(422, 'invalid_bill', message, { item: index })` (index is 0-based,
 * as in `bill.items`). A bad person / accumulators / balance / setting throws
 * `AppError(422, 'invalid_settlement_input', message, { field })`. A policy that fails
 * `validatePolicy` throws `AppError(422, 'invalid_policy', message, { problems })`.
 */
import { AppError } from '../platform/errors.ts';
import { formatYuan, isFen, mulRatioHalfUp } from './money.ts';
import { renderAll, text, type Text } from '../i18n/index.ts';
import { resolvePolicyAmounts, policyProblems, type PolicyRules } from './policy.ts';
import { SERVICE_TYPES, type ServiceType } from '../institutions/service-types.ts';

type InsuranceType = 'employee' | 'resident' | 'flexible';
export type CareSetting = 'outpatient' | 'inpatient';
type CatalogueCategory = 'A' | 'B' | 'C';

interface SettlementPerson {
  insuranceType: InsuranceType;
  retired: boolean;
}

/** A person's year-to-date figures, all in fen. */
export interface Accumulators {
  inpatientDeductiblePaid: number;
  outpatientEligibleSpent: number;
  fundPaid: number;
}

export interface BillItem {
  code: string;
  name: string;
  /** Positive integer. */
  quantity: number;
  /** Fen. */
  unitPrice: number;
  catalogue: 'in' | 'out';
  /** Catalogue class; defaults to 'A'; 'C' is wholly the person's. Ignored out of catalogue. */
  category?: CatalogueCategory;
  /** The catalogue's price limit per unit (fen); the part of the unit price above it is the person's. */
  priceLimit?: number;
  /** Class B: the catalogue's self-pay-first ratio (basis points), instead of the policy's. */
  selfPayFirstBp?: number;
  serviceType: ServiceType;
  /** Special material: unit price of the domestic type (fen). */
  domesticReferencePrice?: number;
  /** Special material: unit price of the imported type (fen), used when there is no domestic type. */
  importedReferencePrice?: number;
  /** Approval reference for service types the policy lists in `approvalRequired`. */
  approvalRef?: string;
  /**
   * The catalogue restricts the item to this setting or to approved special outpatient care, and this line is
   * not that: wholly the person's.
   */
  restrictedTo?: 'inpatient' | 'outpatient' | 'special_outpatient';
}

export interface Bill {
  setting: CareSetting;
  items: readonly BillItem[];
}

export interface SettlementInput {
  policy: PolicyRules;
  person: SettlementPerson;
  accumulators: Accumulators;
  /** The person's individual account balance (fen). */
  accountBalance: number;
  /** A bound relative whose individual account may pay (family mutual aid). */
  relative?: { accountBalance: number };
  bill: Bill;
}

/** Which rule decided a line. */
type LineRule =
  | 'out_of_catalogue'
  | 'class_c'
  | 'restricted'
  | 'approval_missing'
  | 'inpatient'
  | 'outpatient'
  | 'large_equipment'
  | 'special_material_domestic'
  | 'special_material_imported'
  | 'special_outpatient';

/** How the person's share of a line (or bill) is paid, in fen. */
interface PersonalPayment {
  account: number;
  relativeAccount: number;
  cash: number;
}

/**
 * One settled item. All amounts are fen. `amount = fund + person`, `person = account + relativeAccount
 * + cash`, and `amount = outOfCatalogue + overLimit + selfPayFirst + withoutApproval + policyScope`.
 */
export interface SettlementLine {
  /** 0-based index into `bill.items`. */
  index: number;
  code: string;
  name: string;
  serviceType: ServiceType;
  amount: number;
  fund: number;
  /** The person's whole share of the line. */
  person: number;
  personal: PersonalPayment;
  /** The line's amount when out of catalogue or Class C (fully self-paid), else 0. */
  outOfCatalogue: number;
  /** The part above the catalogue's price limit, the person's. */
  overLimit: number;
  /** The class-B self-pay-first part. */
  selfPayFirst: number;
  /** The eligible amount left to the person because a required approval is missing. */
  withoutApproval: number;
  /** The amount that went through a fund rule (in policy scope). */
  policyScope: number;
  /** The part paid by the person as inpatient deductible. */
  deductibleApplied: number;
  /** The part paid by the person because the year's outpatient threshold was not yet passed. */
  belowOutpatientThreshold: number;
  /** The amount added to the year's eligible outpatient spending. */
  outpatientEligibleApplied: number;
  /** The fund share cut by the ceiling and moved to the person. */
  ceilingOverflow: number;
  rule: LineRule;
  /** What this line added to the accumulators; subtract it to refund the line. */
  accumulatorDeltas: Accumulators;
  /** Why the line came out so, as catalogue codes (`line.outpatient_threshold` …), rendered per reader. */
  explanations: Text[];
}

/** Bill totals in fen. The national interface name of each figure is in brackets. */
interface SettlementTotals {
  /** Whole bill (medfee_sumamt). */
  total: number;
  /** Out of catalogue and Class C, fully self-paid (fulamt_ownpay_amt). */
  outOfCatalogue: number;
  /** Above the price limit (overlmt_selfpay). */
  overLimit: number;
  /** Class-B self-pay-first (preselfpay_amt). */
  selfPayFirst: number;
  /** Left to the person for a missing approval. */
  withoutApproval: number;
  /** In policy scope (inscp_scp_amt). */
  policyScope: number;
  /** Deductible paid (act_pay_dedc). */
  deductiblePaid: number;
  /** Pooled fund paid (hifp_pay, also fund_pay_sumamt). */
  fund: number;
  /** Fund share cut by the ceiling. */
  ceilingOverflow: number;
  /** The person's whole share (psn_part_amt). */
  person: number;
  /** Individual account paid (acct_pay). */
  accountPaid: number;
  /** Relative's account paid, family mutual aid (acct_mulaid_pay). */
  relativeAccountPaid: number;
  /** Cash paid (psn_cash_pay). */
  cashPaid: number;
  /** Individual account balance after (balc). */
  accountBalanceAfter: number;
  /** The relative's account balance after, or null without a relative. */
  relativeAccountBalanceAfter: number | null;
  /** The year's fund ceiling for this person. */
  fundCeiling: number;
  /** What the fund may still pay this year after this bill. */
  fundLimitRemaining: number;
}

export interface SettlementResult {
  policyRegion: string;
  policyVersion: string;
  setting: CareSetting;
  lines: SettlementLine[];
  totals: SettlementTotals;
  accumulatorsBefore: Accumulators;
  /** Sum of the lines' deltas. */
  accumulatorDeltas: Accumulators;
  newAccumulators: Accumulators;
  /** The lines' explanations (`bill.item`) and the payment's (`bill.account` …), as catalogue codes. */
  explanations: Text[];
}

/** The settlement figures under the national terminal interface's names (fen, not yuan). */
export interface NationalSettlementFigures {
  medfee_sumamt: number;
  fulamt_ownpay_amt: number;
  overlmt_selfpay: number;
  preselfpay_amt: number;
  inscp_scp_amt: number;
  act_pay_dedc: number;
  hifp_pay: number;
  fund_pay_sumamt: number;
  psn_part_amt: number;
  acct_pay: number;
  acct_mulaid_pay: number;
  psn_cash_pay: number;
  balc: number;
}

/** The name of a service type in the reader's language. */
const serviceLabel = (type: ServiceType | CareSetting): Text => text(`service.${type}`);

function invalidBill(index: number, message: string): AppError {
  return new AppError(422, 'invalid_bill', `items[${index}]: ${message}`, { item: index });
}

function invalidInput(field: string, message: string): AppError {
  return new AppError(422, 'invalid_settlement_input', `${field}: ${message}`, { field });
}

function requireFen(value: unknown, field: string): number {
  if (!isFen(value)) {
    throw invalidInput(field, `must be a non-negative safe integer number of fen, got ${String(value)}`);
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Checks one item and returns its amount (quantity × unit price) in fen. */
function validateItem(item: unknown, index: number, setting: CareSetting, policy: PolicyRules): number {
  if (!isRecord(item)) throw invalidBill(index, 'must be an object');
  const { code, name, quantity, unitPrice, catalogue, category, serviceType } = item;
  if (typeof code !== 'string' || code.trim() === '')
    throw invalidBill(index, 'code must be a non-empty string');
  if (typeof name !== 'string') throw invalidBill(index, 'name must be a string');
  if (typeof quantity !== 'number' || !Number.isSafeInteger(quantity) || quantity <= 0) {
    throw invalidBill(index, `quantity must be a positive integer, got ${String(quantity)}`);
  }
  if (!isFen(unitPrice)) {
    throw invalidBill(index, `unitPrice must be a non-negative safe integer (fen), got ${String(unitPrice)}`);
  }
  if (catalogue !== 'in' && catalogue !== 'out') throw invalidBill(index, "catalogue must be 'in' or 'out'");
  if (category !== undefined && category !== 'A' && category !== 'B' && category !== 'C') {
    throw invalidBill(index, "category must be 'A', 'B' or 'C' when given");
  }
  const { priceLimit, selfPayFirstBp } = item;
  if (priceLimit !== undefined && (!isFen(priceLimit) || priceLimit === 0)) {
    throw invalidBill(index, `priceLimit must be a positive safe integer (fen), got ${String(priceLimit)}`);
  }
  if (
    selfPayFirstBp !== undefined &&
    (category !== 'B' ||
      typeof selfPayFirstBp !== 'number' ||
      !Number.isInteger(selfPayFirstBp) ||
      selfPayFirstBp < 0 ||
      selfPayFirstBp > 10_000)
  ) {
    throw invalidBill(index, 'selfPayFirstBp is a Class B item’s ratio from 0 to 10000 basis points');
  }
  if (!(SERVICE_TYPES as readonly unknown[]).includes(serviceType)) {
    throw invalidBill(index, `serviceType must be one of ${SERVICE_TYPES.join(', ')}`);
  }
  // An ordinary item of the other setting means the HIS classified the bill wrongly; refuse it.
  if ((serviceType === 'inpatient' || serviceType === 'outpatient') && serviceType !== setting) {
    throw invalidBill(index, `an ordinary ${String(serviceType)} item cannot be on a ${setting} bill`);
  }
  if (item.approvalRef !== undefined && typeof item.approvalRef !== 'string') {
    throw invalidBill(index, 'approvalRef must be a string when given');
  }
  for (const field of ['domesticReferencePrice', 'importedReferencePrice'] as const) {
    const price = item[field];
    if (price === undefined) continue;
    if (!isFen(price)) {
      throw invalidBill(index, `${field} must be a non-negative safe integer (fen), got ${String(price)}`);
    }
    if (BigInt(price) * BigInt(quantity) > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw invalidBill(index, `${field} × quantity is beyond the safe integer range`);
    }
  }
  const amount = BigInt(quantity) * BigInt(unitPrice);
  if (amount > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw invalidBill(index, 'quantity × unitPrice is beyond the safe integer range');
  }
  const { restrictedTo } = item;
  if (
    restrictedTo !== undefined &&
    !['inpatient', 'outpatient', 'special_outpatient'].includes(restrictedTo as string)
  ) {
    throw invalidBill(
      index,
      "restrictedTo must be 'inpatient', 'outpatient' or 'special_outpatient' when given",
    );
  }
  // An approved special material carries the reference price its approval names; without an approval it
  // settles as approval missing.
  if (
    serviceType === 'special_material' &&
    catalogue === 'in' &&
    category !== 'C' &&
    unitPrice > policy.specialMaterial.unitPriceLimitFen &&
    hasApprovalRef(item as unknown as BillItem) &&
    item.domesticReferencePrice === undefined &&
    item.importedReferencePrice === undefined
  ) {
    throw invalidBill(
      index,
      `special material above the ${formatYuan(policy.specialMaterial.unitPriceLimitFen)} yuan unit-price limit needs ` +
        'a domesticReferencePrice or an importedReferencePrice',
    );
  }
  return Number(amount);
}

function validateInput(input: SettlementInput): number[] {
  if (!isRecord(input)) throw invalidInput('input', 'must be an object');
  const problems = policyProblems(input.policy);
  if (problems.length > 0) {
    const sentences = renderAll('en', problems).join('; ');
    throw new AppError(422, 'invalid_policy', `the policy is invalid: ${sentences}`, { problems });
  }
  const { person, accumulators, bill } = input;
  if (!isRecord(person)) throw invalidInput('person', 'must be an object');
  if (!['employee', 'resident', 'flexible'].includes(person.insuranceType as string)) {
    throw invalidInput('person.insuranceType', "must be 'employee', 'resident' or 'flexible'");
  }
  if (typeof person.retired !== 'boolean') throw invalidInput('person.retired', 'must be a boolean');
  if (!isRecord(accumulators)) throw invalidInput('accumulators', 'must be an object');
  requireFen(accumulators.inpatientDeductiblePaid, 'accumulators.inpatientDeductiblePaid');
  requireFen(accumulators.outpatientEligibleSpent, 'accumulators.outpatientEligibleSpent');
  requireFen(accumulators.fundPaid, 'accumulators.fundPaid');
  requireFen(input.accountBalance, 'accountBalance');
  if (input.relative !== undefined) {
    if (!isRecord(input.relative)) throw invalidInput('relative', 'must be an object when given');
    requireFen(input.relative.accountBalance, 'relative.accountBalance');
  }
  if (!isRecord(bill)) throw invalidInput('bill', 'must be an object');
  if (bill.setting !== 'inpatient' && bill.setting !== 'outpatient') {
    throw invalidInput('bill.setting', "must be 'inpatient' or 'outpatient'");
  }
  if (!Array.isArray(bill.items) || bill.items.length === 0) {
    throw invalidInput('bill.items', 'must be a non-empty array');
  }
  const amounts: number[] = [];
  let total = 0;
  bill.items.forEach((item: unknown, index: number) => {
    const amount = validateItem(item, index, bill.setting, input.policy);
    total += amount;
    if (!Number.isSafeInteger(total))
      throw invalidBill(index, 'the bill total is beyond the safe integer range');
    amounts.push(amount);
  });
  return amounts;
}

/** What is left of the year's limits while the bill's items are settled one by one. */
interface YearRemaining {
  deductible: number;
  outpatientThreshold: number;
  fundCeiling: number;
}

interface RuleContext {
  policy: PolicyRules;
  person: SettlementPerson;
  setting: CareSetting;
  remaining: YearRemaining;
  outpatientThresholdFen: number;
  fundCeilingFen: number;
}

type DraftLine = Omit<SettlementLine, 'personal'>;

/** A blank reference is no reference: HIS systems send empty strings for "none". */
function hasApprovalRef(item: BillItem): boolean {
  return item.approvalRef !== undefined && item.approvalRef.trim() !== '';
}

/** True when the policy does not require approval for the item's type, or the item carries one. */
function isApproved(item: BillItem, policy: PolicyRules): boolean {
  const required = (policy.approvalRequired as readonly string[]).includes(item.serviceType);
  return !required || hasApprovalRef(item);
}

function approvalNote(item: BillItem): Text | string {
  return hasApprovalRef(item) ? text('line.approval_note', { ref: item.approvalRef }) : '';
}

/** Applies the ordinary inpatient or outpatient rule to `eligible`; returns the fund share before the ceiling. */
function applyOrdinaryRule(line: DraftLine, eligible: number, ctx: RuleContext): number {
  const { policy, remaining } = ctx;
  if (ctx.setting === 'inpatient') {
    line.rule = 'inpatient';
    const deductiblePart = Math.min(eligible, remaining.deductible);
    remaining.deductible -= deductiblePart;
    line.deductibleApplied = deductiblePart;
    const above = eligible - deductiblePart;
    const retiredEmployee = ctx.person.insuranceType === 'employee' && ctx.person.retired;
    const ratioBp = retiredEmployee
      ? policy.inpatient.fundRatioBp.retired
      : policy.inpatient.fundRatioBp.notRetired;
    const fund = mulRatioHalfUp(above, ratioBp);
    if (deductiblePart > 0)
      line.explanations.push(text('line.inpatient_deductible', { amount: deductiblePart }));
    if (above > 0) {
      line.explanations.push(
        text(retiredEmployee ? 'line.inpatient_above_retired' : 'line.inpatient_above', {
          ratioBp,
          fund,
          person: above - fund,
        }),
      );
    }
    return fund;
  }
  line.rule = 'outpatient';
  const belowThreshold = Math.min(eligible, remaining.outpatientThreshold);
  remaining.outpatientThreshold -= belowThreshold;
  line.belowOutpatientThreshold = belowThreshold;
  line.outpatientEligibleApplied = eligible;
  const above = eligible - belowThreshold;
  const ratioBp = policy.outpatient.fundRatioBp;
  const fund = mulRatioHalfUp(above, ratioBp);
  if (belowThreshold > 0) {
    line.explanations.push(
      text('line.outpatient_threshold', { threshold: ctx.outpatientThresholdFen, below: belowThreshold }),
    );
  }
  if (above > 0) {
    line.explanations.push(text('line.outpatient_above', { ratioBp, fund, person: above - fund }));
  }
  return fund;
}

/** Decides the fund's and the person's share of one item and updates the year's remaining limits. */
function settleItem(item: BillItem, index: number, amount: number, ctx: RuleContext): DraftLine {
  const { policy, remaining } = ctx;
  const line: DraftLine = {
    index,
    code: item.code,
    name: item.name,
    serviceType: item.serviceType,
    amount,
    fund: 0,
    person: amount,
    outOfCatalogue: 0,
    overLimit: 0,
    selfPayFirst: 0,
    withoutApproval: 0,
    policyScope: 0,
    deductibleApplied: 0,
    belowOutpatientThreshold: 0,
    outpatientEligibleApplied: 0,
    ceilingOverflow: 0,
    rule: 'out_of_catalogue',
    accumulatorDeltas: { inpatientDeductiblePaid: 0, outpatientEligibleSpent: 0, fundPaid: 0 },
    explanations: [],
  };
  if (item.catalogue === 'out') {
    line.outOfCatalogue = amount;
    line.explanations.push(text('line.out_of_catalogue', { amount }));
    return line;
  }

  const category = item.category ?? 'A';
  if (category === 'C') {
    line.rule = 'class_c';
    line.outOfCatalogue = amount;
    line.explanations.push(text('line.class_c', { amount }));
    return line;
  }
  if (item.restrictedTo) {
    line.rule = 'restricted';
    line.outOfCatalogue = amount;
    line.explanations.push(text(`line.restricted_${item.restrictedTo}`, { amount }));
    return line;
  }
  if (item.priceLimit !== undefined && item.unitPrice > item.priceLimit) {
    line.overLimit = (item.unitPrice - item.priceLimit) * item.quantity;
    line.explanations.push(text('line.over_limit', { limit: item.priceLimit, amount: line.overLimit }));
  }
  const withinLimit = amount - line.overLimit;
  const selfPayFirstBp = item.selfPayFirstBp ?? policy.catalogue[category].selfPayFirstBp;
  line.selfPayFirst = mulRatioHalfUp(withinLimit, selfPayFirstBp);
  if (line.selfPayFirst > 0) {
    line.explanations.push(
      text('line.self_pay_first', { category, ratioBp: selfPayFirstBp, amount: line.selfPayFirst }),
    );
  }
  const eligible = withinLimit - line.selfPayFirst;
  const label = serviceLabel(item.serviceType);
  const materialLimit = policy.specialMaterial.unitPriceLimitFen;
  const usesOwnRule =
    item.serviceType === 'large_equipment' ||
    item.serviceType === 'special_outpatient' ||
    (item.serviceType === 'special_material' && item.unitPrice > materialLimit);

  const referenceMissing =
    item.serviceType === 'special_material' &&
    item.domesticReferencePrice === undefined &&
    item.importedReferencePrice === undefined;
  if (usesOwnRule && (!isApproved(item, policy) || referenceMissing)) {
    line.rule = 'approval_missing';
    line.withoutApproval = eligible;
    line.explanations.push(text('line.without_approval', { service: label, amount: eligible }));
    return line;
  }

  line.policyScope = eligible;
  let fundBeforeCeiling: number;
  if (item.serviceType === 'large_equipment' || item.serviceType === 'special_outpatient') {
    line.rule = item.serviceType;
    const ratioBp =
      item.serviceType === 'large_equipment'
        ? policy.largeEquipment.fundRatioBp
        : policy.specialOutpatient.fundRatioBp;
    fundBeforeCeiling = mulRatioHalfUp(eligible, ratioBp);
    line.explanations.push(
      text('line.own_rule', {
        service: label,
        approval: approvalNote(item),
        ratioBp,
        fund: fundBeforeCeiling,
        person: eligible - fundBeforeCeiling,
      }),
    );
  } else if (item.serviceType === 'special_material' && item.unitPrice > materialLimit) {
    const domestic = item.domesticReferencePrice !== undefined;
    // One of the two reference prices is present here (else the line was left as approval missing).
    const referencePrice = (domestic ? item.domesticReferencePrice : item.importedReferencePrice) ?? 0;
    const ratioBp = domestic
      ? policy.specialMaterial.domesticFundRatioBp
      : policy.specialMaterial.importedFundRatioBp;
    line.rule = domestic ? 'special_material_domestic' : 'special_material_imported';
    const byReference = mulRatioHalfUp(referencePrice * item.quantity, ratioBp);
    fundBeforeCeiling = Math.min(byReference, eligible);
    line.explanations.push(
      text('line.special_material', {
        limit: materialLimit,
        approval: approvalNote(item),
        ratioBp,
        origin: text(domestic ? 'line.origin_domestic' : 'line.origin_imported'),
        price: referencePrice,
        quantity: item.quantity,
        byReference,
        cap: byReference > eligible ? text('line.capped', { eligible }) : '',
        person: eligible - fundBeforeCeiling,
      }),
    );
  } else {
    if (item.serviceType === 'special_material') {
      line.explanations.push(
        text('line.special_material_ordinary', { limit: materialLimit, setting: serviceLabel(ctx.setting) }),
      );
    }
    fundBeforeCeiling = applyOrdinaryRule(line, eligible, ctx);
  }

  line.fund = Math.min(fundBeforeCeiling, remaining.fundCeiling);
  line.ceilingOverflow = fundBeforeCeiling - line.fund;
  remaining.fundCeiling -= line.fund;
  if (line.ceilingOverflow > 0) {
    line.explanations.push(
      text('line.ceiling', { overflow: line.ceilingOverflow, ceiling: ctx.fundCeilingFen }),
    );
  }
  line.person = amount - line.fund;
  line.accumulatorDeltas = {
    inpatientDeductiblePaid: line.deductibleApplied,
    outpatientEligibleSpent: line.outpatientEligibleApplied,
    fundPaid: line.fund,
  };
  return line;
}

const sum = (lines: readonly SettlementLine[], pick: (line: SettlementLine) => number) =>
  lines.reduce((total, line) => total + pick(line), 0);

/**
 * Settles a bill under a policy: who pays what for each item (fund, individual account, relative's
 * account, cash), the new year-to-date accumulators and every figure the national interface names.
 * Pure and deterministic. See the header of this file for the rules, their order and the rounding.
 * @throws AppError 422 `invalid_bill` (details `{ item }`), `invalid_settlement_input` (`{ field }`) or
 *   `invalid_policy` (`{ problems }`)
 */
export function calculateSettlement(input: SettlementInput): SettlementResult {
  const amounts = validateInput(input);
  const { policy, person, accumulators, bill } = input;
  const resolved = resolvePolicyAmounts(policy);
  const remaining: YearRemaining = {
    deductible: Math.max(0, resolved.inpatientDeductibleFen - accumulators.inpatientDeductiblePaid),
    outpatientThreshold: Math.max(0, resolved.outpatientThresholdFen - accumulators.outpatientEligibleSpent),
    fundCeiling: Math.max(0, resolved.fundCeilingFen - accumulators.fundPaid),
  };
  const ctx: RuleContext = {
    policy,
    person,
    setting: bill.setting,
    remaining,
    outpatientThresholdFen: resolved.outpatientThresholdFen,
    fundCeilingFen: resolved.fundCeilingFen,
  };
  const drafts = bill.items.map((item, index) => settleItem(item, index, amounts[index] ?? 0, ctx));

  // The person's share: own account, then the relative's, then cash, item by item in bill order.
  let accountLeft = input.accountBalance;
  let relativeLeft = input.relative?.accountBalance ?? 0;
  const lines: SettlementLine[] = drafts.map((draft) => {
    const account = Math.min(draft.person, accountLeft);
    accountLeft -= account;
    const relativeAccount = Math.min(draft.person - account, relativeLeft);
    relativeLeft -= relativeAccount;
    return {
      ...draft,
      personal: { account, relativeAccount, cash: draft.person - account - relativeAccount },
    };
  });

  const accumulatorDeltas: Accumulators = {
    inpatientDeductiblePaid: sum(lines, (l) => l.accumulatorDeltas.inpatientDeductiblePaid),
    outpatientEligibleSpent: sum(lines, (l) => l.accumulatorDeltas.outpatientEligibleSpent),
    fundPaid: sum(lines, (l) => l.accumulatorDeltas.fundPaid),
  };
  const accumulatorsBefore: Accumulators = {
    inpatientDeductiblePaid: accumulators.inpatientDeductiblePaid,
    outpatientEligibleSpent: accumulators.outpatientEligibleSpent,
    fundPaid: accumulators.fundPaid,
  };
  const newAccumulators: Accumulators = {
    inpatientDeductiblePaid:
      accumulatorsBefore.inpatientDeductiblePaid + accumulatorDeltas.inpatientDeductiblePaid,
    outpatientEligibleSpent:
      accumulatorsBefore.outpatientEligibleSpent + accumulatorDeltas.outpatientEligibleSpent,
    fundPaid: accumulatorsBefore.fundPaid + accumulatorDeltas.fundPaid,
  };
  for (const [field, value] of Object.entries(newAccumulators)) {
    if (!Number.isSafeInteger(value))
      throw invalidInput(`accumulators.${field}`, 'would pass the safe integer range');
  }

  const totals: SettlementTotals = {
    total: sum(lines, (l) => l.amount),
    outOfCatalogue: sum(lines, (l) => l.outOfCatalogue),
    overLimit: sum(lines, (l) => l.overLimit),
    selfPayFirst: sum(lines, (l) => l.selfPayFirst),
    withoutApproval: sum(lines, (l) => l.withoutApproval),
    policyScope: sum(lines, (l) => l.policyScope),
    deductiblePaid: accumulatorDeltas.inpatientDeductiblePaid,
    fund: accumulatorDeltas.fundPaid,
    ceilingOverflow: sum(lines, (l) => l.ceilingOverflow),
    person: sum(lines, (l) => l.person),
    accountPaid: sum(lines, (l) => l.personal.account),
    relativeAccountPaid: sum(lines, (l) => l.personal.relativeAccount),
    cashPaid: sum(lines, (l) => l.personal.cash),
    accountBalanceAfter: accountLeft,
    relativeAccountBalanceAfter: input.relative === undefined ? null : relativeLeft,
    fundCeiling: resolved.fundCeilingFen,
    fundLimitRemaining: remaining.fundCeiling,
  };

  const explanations: Text[] = lines.flatMap((line) =>
    line.explanations.map((t) => text('bill.item', { index: line.index, item: line.code, text: t })),
  );
  explanations.push(
    text('bill.account', {
      amount: totals.accountPaid,
      before: input.accountBalance,
      after: totals.accountBalanceAfter,
    }),
  );
  if (input.relative !== undefined) {
    explanations.push(
      text('bill.relative', {
        amount: totals.relativeAccountPaid,
        before: input.relative.accountBalance,
        after: relativeLeft,
      }),
    );
  }
  explanations.push(text('bill.cash', { amount: totals.cashPaid }));
  explanations.push(text('bill.fund_left', { amount: totals.fundLimitRemaining }));

  return {
    policyRegion: policy.region,
    policyVersion: policy.version,
    setting: bill.setting,
    lines,
    totals,
    accumulatorsBefore,
    accumulatorDeltas,
    newAccumulators,
    explanations,
  };
}

/**
 * The result's figures under the national terminal interface's output names, still in fen (the
 * interface itself speaks yuan with two decimals; a gateway converts with `formatYuan`).
 */
export function toNationalFigures(result: SettlementResult): NationalSettlementFigures {
  const { totals } = result;
  return {
    medfee_sumamt: totals.total,
    fulamt_ownpay_amt: totals.outOfCatalogue,
    overlmt_selfpay: totals.overLimit,
    preselfpay_amt: totals.selfPayFirst,
    inscp_scp_amt: totals.policyScope,
    act_pay_dedc: totals.deductiblePaid,
    hifp_pay: totals.fund,
    fund_pay_sumamt: totals.fund,
    psn_part_amt: totals.person,
    acct_pay: totals.accountPaid,
    acct_mulaid_pay: totals.relativeAccountPaid,
    psn_cash_pay: totals.cashPaid,
    balc: totals.accountBalanceAfter,
  };
}

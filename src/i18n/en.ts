import type { zh } from './zh-CN.ts';
import { enErrors } from './errors.en.ts';
import { enNational } from './national.en.ts';

/** The server's texts in English, for readers who ask for it. Same keys and parameters as zh-CN.ts. */
export const en: typeof zh = {
  notice: {
    identity_verified: {
      title: 'Identity verified',
      body: 'You can now apply for your electronic medical insurance card.',
    },
    identity_verified_by_staff: {
      title: 'Identity verified',
      body: 'Staff verified your identity. You can now apply for your e-card.',
    },
    identity_rejected: { title: 'Identity verification failed', body: '{{reason}}' },
    identity_rejected_by_staff: { title: 'Identity verification rejected', body: 'Reason: {{reason}}' },
    card_issued: { title: 'Social security card issued', body: 'Your card was issued at the counter.' },
    card_ready: {
      title: 'Your social security card is ready',
      body: 'Collect it at the service point with your original ID card.',
    },
    card_with_employer: {
      title: 'Your social security card was issued to your employer',
      body: 'Your employer will hand it to you; set its PIN when you activate it.',
    },
    card_pin_locked: {
      title: 'Card payments locked',
      body: 'A wrong PIN was entered 3 times. Staff can unlock the card at a counter.',
    },
    card_frozen: {
      title: 'Card frozen',
      body: 'Card {{card}} was reported lost and is frozen. Get a replacement at a counter.',
    },
    card_replaced: {
      title: 'Replacement card issued',
      body: 'Your new card {{newCard}} replaces {{oldCard}}, which no longer works.',
    },
    card_cancelled: { title: 'Card cancelled', body: 'Reason: {{reason}}' },
    ecard_suspended: { title: 'E-card suspended', body: 'Staff suspended your e-card; ask at a counter.' },
    ecard_resumed: { title: 'E-card resumed', body: 'Your e-card works again.' },
    ecard_revoked: { title: 'E-card revoked', body: 'Reason: {{reason}}' },
    essc_suspended: {
      title: 'E-SSC suspended',
      body: 'Your electronic social security card is suspended: its physical card {{card}} was reported lost.',
    },
    essc_moved: {
      title: 'E-SSC moved to your new card',
      body: 'Your electronic social security card now belongs to the replacement card {{card}}.',
    },
    essc_ended: {
      title: 'E-SSC ended',
      body: 'Your electronic social security card ended with the cancellation of its physical card {{card}}.',
    },
    family_bound: {
      title: 'Bound as a relative',
      body: '{{name}} bound you as a family member ({{kinship}}).',
    },
    family_display_request: {
      title: 'Family card display request',
      body: '{{name}} asks to show your e-card QR code for you. Confirm or decline in Family.',
    },
    family_display_request_anonymous: {
      title: 'Family card display request',
      body: 'A relative asks to show your e-card QR code for you. Confirm or decline in Family.',
    },
    binding_confirmed: {
      title: 'Family card display confirmed',
      body: '{{name}} confirmed that you show their e-card QR code.',
    },
    binding_declined: {
      title: 'Family card display declined',
      body: '{{name}} declined that you show their e-card QR code.',
    },
    settlement_refunded: {
      title: 'Refund',
      body: 'A refund of {{total, yuan}} yuan was made; your account got back {{accountPaid, yuan}} yuan.',
    },
    statement_ready: {
      title: '{{year}} personal rights record',
      body: 'Your {{year}} statement of contributions, account movements and benefits is ready to download in Records.',
    },
  },
  kinship: {
    spouse: 'spouse',
    parent: 'parent',
    child: 'child',
    grandparent: 'grandparent',
    grandchild: 'grandchild',
    sibling: 'sibling',
  },
  history: {
    wrong_pins: '{{count}} wrong PINs',
    pin_new: 'new PIN set',
    pin_unlocked: 'unlocked',
    essc_card_lost: 'physical card {{card}} reported lost',
    essc_moved: 'moved from physical card {{from}} to replacement card {{to}}',
    essc_card_cancelled: 'physical card {{card}} cancelled',
    essc_bank_linked: 'bank account {{account}} ({{bank}}) linked',
  },
  bank: {
    icbc: 'ICBC',
    abc: 'Agricultural Bank of China',
    boc: 'Bank of China',
    ccb: 'China Construction Bank',
    bocom: 'Bank of Communications',
    psbc: 'Postal Savings Bank of China',
    cmb: 'China Merchants Bank',
  },
  identity: {
    not_in_registry: 'The population registry has no entry for this ID number; staff will review your photo',
    name_mismatch: 'The name does not match the population registry',
  },
  statementJob: {
    running: '{{processed}} of {{total}} people done',
    done: 'Finished: {{total}} people',
  },
  service: {
    inpatient: 'inpatient',
    outpatient: 'outpatient',
    large_equipment: 'large-equipment exam',
    special_material: 'special material',
    special_outpatient: 'special outpatient treatment',
  },
  line: {
    inpatient_deductible: 'inpatient deductible: {{amount, yuan}} yuan to the person',
    inpatient_above:
      'inpatient above deductible: fund {{ratioBp, percent}} = {{fund, yuan}} yuan, person {{person, yuan}} yuan',
    inpatient_above_retired:
      'inpatient above deductible: fund {{ratioBp, percent}} (retired) = {{fund, yuan}} yuan, person {{person, yuan}} yuan',
    outpatient_threshold:
      'outpatient below the yearly threshold of {{threshold, yuan}} yuan: {{below, yuan}} yuan to the person',
    outpatient_above:
      'outpatient above threshold: fund {{ratioBp, percent}} = {{fund, yuan}} yuan, person {{person, yuan}} yuan',
    out_of_catalogue: 'out of catalogue: {{amount, yuan}} yuan to the person',
    class_c: 'class C item: all {{amount, yuan}} yuan to the person',
    restricted_inpatient: 'restricted to inpatient care: {{amount, yuan}} yuan to the person',
    restricted_outpatient: 'restricted to outpatient care: {{amount, yuan}} yuan to the person',
    restricted_special_outpatient:
      'restricted to approved special outpatient care: {{amount, yuan}} yuan to the person',
    over_limit:
      'above the catalogue price limit of {{limit, yuan}} yuan: {{amount, yuan}} yuan to the person',
    self_pay_first:
      'class {{category}} self-pay-first {{ratioBp, percent}}: {{amount, yuan}} yuan to the person',
    without_approval: '{{service}} without approval: {{amount, yuan}} yuan to the person',
    approval_note: ' (approval {{ref}})',
    own_rule:
      '{{service}}{{approval}}: fund {{ratioBp, percent}} = {{fund, yuan}} yuan, person {{person, yuan}} yuan',
    origin_domestic: 'domestic',
    origin_imported: 'imported',
    capped: ", capped at the item's eligible {{eligible, yuan}} yuan",
    special_material:
      'special material above the {{limit, yuan}} yuan unit-price limit{{approval}}: fund {{ratioBp, percent}} ' +
      "of the {{origin}} type's price {{price, yuan}} yuan × {{quantity}} = {{byReference, yuan}} yuan{{cap}}, " +
      'person {{person, yuan}} yuan',
    special_material_ordinary:
      'special material at or below the {{limit, yuan}} yuan unit-price limit: ordinary {{setting}} rule',
    ceiling:
      'fund ceiling reached: {{overflow, yuan}} yuan to the person (the fund pays at most {{ceiling, yuan}} yuan a year)',
  },
  bill: {
    item: 'Item {{index, position}} {{item}}: {{text}}',
    account: 'individual account pays {{amount, yuan}} yuan (balance {{before, yuan}} → {{after, yuan}})',
    relative:
      "relative's account (family mutual aid) pays {{amount, yuan}} yuan (balance {{before, yuan}} → {{after, yuan}})",
    cash: 'cash: {{amount, yuan}} yuan',
    fund_left: 'fund limit remaining this year: {{amount, yuan}} yuan',
  },
  unit: {
    bp: 'basis points',
    fen: 'fen',
    bp_of_wage: 'basis points of W',
    bp_of_monthly_wage: 'basis points of W / 12',
  },
  noun: {
    policy_field: 'policy field',
    premium_field: 'premium rules field',
  },
  value: {
    array: 'an array',
    object: 'an object',
    undefined: 'undefined',
  },
  problem: {
    missing: '{{path}} is missing',
    not_object: '{{path}} must be an object, got {{value}}',
    unknown_key: '{{path}} is not a known {{noun}}',
    not_integer: '{{path}} must be an integer ({{unit}}), got {{value}}',
    out_of_range: '{{path}} must be between {{min}} and {{max}} {{unit}}, got {{value}}',
    not_string: '{{path}} must be a non-empty string, got {{value}}',
    policy_not_object: 'the policy must be an object, got {{value}}',
    rules_not_object: 'the premium rules must be an object, got {{value}}',
    approval_not_array: 'approvalRequired must be an array, got {{value}}',
    approval_unknown: 'approvalRequired may only list {{allowed}}; got {{value}}',
    approval_twice: 'approvalRequired lists {{value}} twice',
    beyond_safe: '{{path}} × averageWageFen is beyond the safe integer range of fen',
    beyond_safe_monthly: '{{path}} × averageWageFen / 12 is beyond the safe integer range of fen',
    deductible_above_ceiling:
      'the inpatient deductible ({{deductible}} fen) is above the fund ceiling ({{ceiling}} fen)',
    floor_above_cap:
      'base.floorBpOfMonthlyWage ({{floor}}) must not be above base.capBpOfMonthlyWage ({{cap}})',
    employee_credit_above_rate:
      "employee.creditedBpOfBase ({{credited}}) must not exceed employee.employeeRateBp ({{own}}): only the employee's own premium is credited to the individual account",
    flexible_credit_above_rate:
      'flexible.creditedBpOfBase ({{credited}}) must not exceed flexible.rateBp ({{rate}}): more cannot be credited than the worker paid',
    region_mismatch: 'region does not match regionCode',
  },
  receipt: {
    title: 'Medical insurance settlement',
    institution: 'Institution',
    number: 'No.',
    time: 'Time',
    insured: 'Insured',
    id: 'ID',
    type: 'Insurance',
    policy: 'Policy',
    insurance: { employee: 'Employee', resident: 'Resident', flexible: 'Flexible worker' },
    credential: 'Paid with',
    credentials: { ecard: 'e-voucher', essc: 'e-SSC', card: 'card' },
    cross_region: 'Cross-region',
    filed: 'filed',
    unfiled: 'not filed',
    insured_region: 'Insured in',
    bank_account: 'Card bank a/c',
    line_refunded: 'REFUNDED',
    line_fund: 'Fund',
    total: 'Total',
    out_of_catalogue: 'Out of catalogue',
    over_limit: 'Above price limit',
    self_pay_first: 'Self-paid first',
    deductible: 'Deductible',
    fund: 'Pooled fund',
    account: 'Own account',
    family: 'Family account',
    cash: 'Cash',
    balance: 'Account balance',
    fund_left: 'Fund limit left',
    refunded: 'REFUNDED',
    partially_refunded: 'PARTLY REFUNDED',
    thanks: 'Thank you',
  },
  statement: {
    title: 'Personal rights record, basic medical insurance',
    document_title: 'Personal rights record, basic medical insurance ({{year}})',
    subtitle: '{{year}} · {{region}}',
    law_note: 'Under article 74 of the Social Insurance Law of the People’s Republic of China',
    issuer_default: '{{region}} medical insurance agency',
    colon: ': ',
    info: {
      name: 'Name',
      id_number: 'ID number',
      region: 'Insured in',
      period: 'Period',
      period_value: '{{from}} to {{to}}',
      issuer: 'Issued by',
      issue_date: 'Issued on',
    },
    section: {
      contributions: '1. Contributions',
      account: '2. Individual account',
      settlements: '3. Medical bills settled',
    },
    column: {
      month: 'Month',
      base: 'Base',
      employer: 'Employer',
      own: 'Own',
      credited: 'To account',
      item: 'Item',
      amount: 'Amount',
    },
    month: {
      m1: 'Jan',
      m2: 'Feb',
      m3: 'Mar',
      m4: 'Apr',
      m5: 'May',
      m6: 'Jun',
      m7: 'Jul',
      m8: 'Aug',
      m9: 'Sep',
      m10: 'Oct',
      m11: 'Nov',
      m12: 'Dec',
    },
    months_total: 'Total ({{count}} months)',
    account: {
      opening: 'Brought forward (1 January)',
      credits: 'Credited this year',
      payments: 'Paid for own bills',
      mutual_aid_out: 'Paid for bound relatives (family mutual aid)',
      closing: 'Closing balance',
    },
    settlements: {
      count: 'Settlements',
      total: 'Medical expenses',
      fund: 'Pooled fund',
      account: 'Own account',
      family: 'Relatives’ accounts',
      cash: 'Cash',
    },
    mutual_aid_in:
      'Also: relatives’ accounts paid {{amount, yuan}} yuan of your bills (from their accounts; your balance is unchanged).',
    unit: 'Amounts in yuan',
    notes: {
      title: 'Notes:',
      law: '1. This record is provided free of charge under article 74 of the Social Insurance Law, for you to check.',
      premiums:
        '2. Employers’ premiums go to the pooled fund; part of your own premium is credited to your account.',
      query:
        '3. Questions about this record can be raised free of charge with your medical insurance agency.',
      sensitive: '4. This record holds sensitive personal information: keep it safe.',
    },
    page: 'Page {{page}} of {{pages}}',
  },
  claim: {
    quantity_above_daily_limit: '{{code}}: {{quantity}} units that day, above the daily limit of {{limit}}',
    same_item_two_institutions: '{{code}}: settled the same day at {{institutions}} institutions',
    restricted_gender: '{{code}}: for {{gender}} patients only',
    restricted_age: '{{code}}: for ages {{min}}–{{max}} only; the person is {{age}}',
    restricted_setting: '{{code}}: {{setting}} only',
    price_above_limit:
      '{{code}}: unit price {{unitPrice, yuan}} yuan, above the catalogue limit of {{limit, yuan}} yuan',
    gender_female: 'female',
    gender_male: 'male',
  },
  national: enNational,
  errors: enErrors,
};

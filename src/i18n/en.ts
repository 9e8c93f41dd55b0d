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
    item: 'items[{{index}}] {{item}}: {{text}}',
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
  national: enNational,
  errors: enErrors,
};

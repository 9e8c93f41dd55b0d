/**
 * The service type of a price-list item and of a bill line: how the policy treats the item. The one list,
 * read by the price list, its routes, the policy and the calculator (the web apps get it from /openapi.json).
 */

/** Service types whose items follow their own rule rather than the bill's ordinary rule. */
export const SPECIAL_SERVICE_TYPES = ['large_equipment', 'special_material', 'special_outpatient'] as const;
/** Every service type an item may carry. */
export const SERVICE_TYPES = ['inpatient', 'outpatient', ...SPECIAL_SERVICE_TYPES] as const;

export type ServiceType = (typeof SERVICE_TYPES)[number];

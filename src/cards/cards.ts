/**
 * The card lifecycle, one file per stage; this barrel keeps the old import path working.
 * - shared.ts: statuses, constants, views and the steps several stages share
 * - applications.ts: applying (app, counter, agent), the queue, cancelling an application
 * - issuance.ts: issuing on the spot, ready and collected, employer batches and hand-out
 * - activation.ts: activation and the chip PIN (check, lock, reset)
 * - loss.ts: loss report (freeze), replacement, cancellation
 * - lookup.ts: a person's cards, the staff lookup, the person's own view
 */
export {
  DEFAULT_ISSUING_BANK,
  MAX_PIN_FAILURES,
  SERVICE_POINT_WORKING_DAYS,
  calendarOf,
  type ActivationPlace,
  type ApplicationResult,
  type ApplicationStatus,
  type ApplicationView,
  type CardChannel,
  type CardStatus,
  type CardView,
} from './shared.ts';
export * from './applications.ts';
export * from './issuance.ts';
export * from './activation.ts';
export * from './loss.ts';
export * from './lookup.ts';

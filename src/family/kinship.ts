import { ageOn } from '../people/id-number.ts';

export const KINSHIPS = ['spouse', 'parent', 'child', 'grandparent', 'grandchild', 'sibling'] as const;
export type Kinship = (typeof KINSHIPS)[number];

/** Smallest plausible age gaps, in whole years, between a binder and a relative of each kinship. */
const MIN_GENERATION_GAP_YEARS = 14;
const MIN_TWO_GENERATION_GAP_YEARS = 28;
/** Both spouses must be adults. */
const MIN_SPOUSE_AGE = 18;
/** Family card display is granted without confirmation only for a child of the binder under this age. */
const ADULT_AGE = 18;

/** Whole years from `older` to `younger` birth dates (negative when `older` is in fact younger). */
export function yearsBetween(older: string, younger: string): number {
  return ageOn(older, new Date(younger + 'T00:00:00Z'));
}

/**
 * Whether the kinship is plausible from the two birth dates (derived from the ID numbers): a parent is at
 * least 14 years older than the binder, a grandparent 28; a child or grandchild as much younger; spouses
 * are both adults on `today`; siblings have no age rule. Returns a reason when it is not plausible.
 */
export function kinshipProblem(
  kinship: Kinship,
  binderBirth: string,
  relativeBirth: string,
  today: Date,
): string | null {
  switch (kinship) {
    case 'parent':
      return yearsBetween(relativeBirth, binderBirth) >= MIN_GENERATION_GAP_YEARS
        ? null
        : 'a parent is at least 14 years older';
    case 'grandparent':
      return yearsBetween(relativeBirth, binderBirth) >= MIN_TWO_GENERATION_GAP_YEARS
        ? null
        : 'a grandparent is at least 28 years older';
    case 'child':
      return yearsBetween(binderBirth, relativeBirth) >= MIN_GENERATION_GAP_YEARS
        ? null
        : 'a child is at least 14 years younger';
    case 'grandchild':
      return yearsBetween(binderBirth, relativeBirth) >= MIN_TWO_GENERATION_GAP_YEARS
        ? null
        : 'a grandchild is at least 28 years younger';
    case 'spouse':
      return ageOn(binderBirth, today) >= MIN_SPOUSE_AGE && ageOn(relativeBirth, today) >= MIN_SPOUSE_AGE
        ? null
        : 'spouses are both adults';
    case 'sibling':
      return null;
  }
}

/** A minor child of the binder: card display needs no confirmation from them. */
export function isMinorChild(kinship: Kinship, relativeBirth: string, today: Date): boolean {
  return kinship === 'child' && ageOn(relativeBirth, today) < ADULT_AGE;
}

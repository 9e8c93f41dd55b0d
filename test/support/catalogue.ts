/**
 * The test catalogue: what tests settle against now that the agency's data, not the till, decides coverage.
 * Loaded into the region `demo` of every test store (unless a suite asks for an empty catalogue), and every
 * institution the factories create has each code mapped to itself, approved. Any other item code is out of
 * catalogue.
 */
import type { Db } from '../../src/platform/db.ts';
import { catalogueRow, type CatalogueKind, type CatalogueRow } from '../../src/catalogue/rows.ts';
import { loadCatalogue } from '../../src/catalogue/store.ts';
import { insertApprovedMappings } from '../../src/catalogue/mappings.ts';

const row = (code: string, r: Partial<CatalogueRow> = {}): CatalogueRow =>
  catalogueRow({ code, name: `药品${code}`, class: 'A', ...r });

/** Ordinary Class A drugs under the short codes tests have always used. */
const ORDINARY = ['A', 'A1', 'A2', 'A9', 'A01', 'B', 'C', 'C1', 'C2', 'D1', 'K', 'S', 'IP', 'I1', 'I2'];

export const TEST_CATALOGUE: Record<CatalogueKind, CatalogueRow[]> = {
  drug: [
    ...ORDINARY.map((code) => row(code)),
    /** Class B at the policy's self-pay-first ratio. */
    row('CLASS-B', { class: 'B' }),
    /** Class B at its own ratio, 20 %. */
    row('CLASS-B-20', { class: 'B', selfPayFirstBp: 2_000 }),
    row('CLASS-C', { class: 'C' }),
    /** Class A limited to 10 yuan a unit. */
    row('LIMITED', { priceLimit: 1_000 }),
    // The national interface tests' drugs.
    row('XJ0001'),
    row('XJ0002', { class: 'B' }),
    row('YP0001'),
    row('ZY0002', { class: 'B' }),
  ],
  service: [
    row('CT', { name: 'CT 平扫', serviceType: 'large_equipment' }),
    row('BED', { name: '床位费', restrictions: { setting: 'inpatient' } }),
    row('DIALYSIS', { name: '血液透析', restrictions: { serviceType: 'special_outpatient' } }),
    row('ZY0001', { name: '床位费', restrictions: { setting: 'inpatient' } }),
  ],
  material: [
    row('STENT', { name: '心脏支架', serviceType: 'special_material' }),
    row('HC0001', { name: '医用口罩', class: 'B', serviceType: 'special_material' }),
  ],
};

const ALL_CODES = Object.values(TEST_CATALOGUE).flatMap((rows) => rows.map((r) => r.code));

/** Loads the test catalogue into a region (one version per kind), effective today. */
export async function loadTestCatalogue(db: Db, region: string, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    for (const [kind, rows] of Object.entries(TEST_CATALOGUE) as Array<[CatalogueKind, CatalogueRow[]]>)
      await loadCatalogue(tx, { region, kind, rows, importedBy: null, now });
  });
}

/** Maps every code of the test catalogue to itself for the institution, approved. */
export async function mapTestCatalogue(db: Db, institutionId: string, now: Date): Promise<void> {
  await insertApprovedMappings(
    db,
    institutionId,
    ALL_CODES.map((code) => ({ itemCode: code, catalogueCode: code })),
    now,
  );
}

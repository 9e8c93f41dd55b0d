/**
 * The demo region's catalogues: a few thousand synthetic rows with real-looking national codes and classes,
 * generated deterministically, plus the entries the demo price lists map to. Names are synthetic.
 */
import { prng } from './synthetic.ts';
import { catalogueRow, type CatalogueKind, type CatalogueRow } from '../catalogue/rows.ts';

const row = catalogueRow;

/** The catalogue entries the demo institutions' own items are mapped to (own code → this code). */
export const DEMO_MAPPED: Record<string, CatalogueRow> = {
  XJ01CA04: row({
    code: 'XJ01CAA040A001010100001',
    name: '阿莫西林胶囊',
    class: 'A',
    dosageForm: '胶囊剂',
    specification: '0.25g×24粒',
    unit: '盒',
    priceLimit: 3_000,
  }),
  XM01AE01: row({
    code: 'XM01AEB010N001010100002',
    name: '布洛芬缓释胶囊',
    class: 'A',
    dosageForm: '缓释胶囊',
    specification: '0.3g×20粒',
    unit: '盒',
  }),
  XA10BA02: row({
    code: 'XA10BAE020A001010100003',
    name: '盐酸二甲双胍片',
    class: 'B',
    dosageForm: '片剂',
    specification: '0.5g×60片',
    unit: '盒',
    priceLimit: 3_000,
  }),
  F110200001: row({ code: '001102000010000', name: '门诊诊查费', class: 'A', unit: '次', priceLimit: 3_000 }),
  F210300001: row({
    code: '002103000010000',
    name: 'X线计算机体层(CT)平扫',
    class: 'A',
    unit: '次',
    priceLimit: 45_000,
    serviceType: 'large_equipment',
  }),
  F110900001: row({
    code: '001109000010000',
    name: '普通病房床位费',
    class: 'A',
    unit: '日',
    restrictions: { setting: 'inpatient' },
  }),
  F311000001: row({
    code: '003110000010000',
    name: '血液透析',
    class: 'A',
    unit: '次',
    restrictions: { serviceType: 'special_outpatient', maxDaily: 1 },
  }),
};

const STEMS = [
  '阿莫西',
  '头孢克',
  '左氧氟',
  '阿奇霉',
  '布洛',
  '对乙酰',
  '氨氯地',
  '缬沙',
  '二甲双',
  '阿托伐',
  '奥美拉',
  '蒙脱',
];
const ENDS = ['林', '肟', '沙星', '素', '芬', '氨基酚', '平', '坦', '胍', '他汀', '唑', '石'];
const FORMS: Array<[string, string]> = [
  ['片剂', 'T'],
  ['胶囊剂', 'C'],
  ['颗粒剂', 'K'],
  ['注射剂', 'Z'],
  ['口服溶液剂', 'R'],
];
const ATC = [
  'A02BC',
  'A10BA',
  'C08CA',
  'C09CA',
  'C10AA',
  'J01CA',
  'J01DC',
  'J01FA',
  'J01MA',
  'M01AE',
  'N02BE',
  'R05CB',
];
const SERVICES = ['诊查费', '护理费', '检查费', '化验费', '治疗费', '手术费', '麻醉费', '床位费'];
const EXAMS = ['CT平扫', 'CT增强', '磁共振平扫', '磁共振增强', 'PET-CT', 'DSA造影'];
const MATERIALS = ['心脏支架', '人工关节', '人工晶体', '心脏起搏器', '骨科内固定板', '血管吻合器'];

/** The rows of one kind of the demo catalogue. */
export function demoCatalogueRows(kind: CatalogueKind): CatalogueRow[] {
  const rnd = prng(kind === 'drug' ? 1301 : kind === 'service' ? 1302 : 1305);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const mapped = Object.values(DEMO_MAPPED).filter((r) =>
    kind === 'drug'
      ? r.code.startsWith('X')
      : kind === 'service'
        ? /^\d/.test(r.code)
        : r.code.startsWith('C'),
  );
  const rows: CatalogueRow[] = [...mapped];
  const count = kind === 'drug' ? 2_400 : kind === 'service' ? 900 : 500;
  for (let i = 0; i < count; i++) {
    const seq = String(i + 1).padStart(5, '0');
    if (kind === 'drug') {
      const [form, f] = pick(FORMS);
      const cls = rnd() < 0.55 ? 'A' : rnd() < 0.85 ? 'B' : 'C';
      rows.push(
        row({
          code: `X${pick(ATC)}${f}${String(Math.floor(rnd() * 1000)).padStart(3, '0')}A0010101${seq}`,
          name: `${pick(STEMS)}${pick(ENDS)}${form === '注射剂' ? '注射液' : form.replace('剂', '')}`,
          class: cls,
          dosageForm: form,
          specification: `${[0.1, 0.25, 0.5, 1][Math.floor(rnd() * 4)]}g×${[6, 12, 24, 48][Math.floor(rnd() * 4)]}`,
          unit: '盒',
          priceLimit: rnd() < 0.4 ? 500 + Math.floor(rnd() * 20_000) : null,
          selfPayFirstBp: cls === 'B' && rnd() < 0.3 ? 1_000 : null,
          restrictions:
            rnd() < 0.05 ? { setting: 'inpatient' } : rnd() < 0.03 ? { ageMin: 0, ageMax: 14 } : {},
        }),
      );
    } else if (kind === 'service') {
      const exam = rnd() < 0.06;
      rows.push(
        row({
          code: `00${exam ? 21 : 11}${String(Math.floor(rnd() * 100)).padStart(2, '0')}${seq}0000`.slice(
            0,
            15,
          ),
          name: exam ? `${pick(EXAMS)}（${i + 1}）` : `${pick(SERVICES)}（${i + 1}）`,
          class: rnd() < 0.9 ? 'A' : 'C',
          unit: '次',
          priceLimit: 1_000 + Math.floor(rnd() * (exam ? 200_000 : 20_000)),
          serviceType: exam ? 'large_equipment' : null,
        }),
      );
    } else {
      const special = rnd() < 0.5;
      rows.push(
        row({
          code: `C${String(Math.floor(rnd() * 100)).padStart(2, '0')}0101001${seq}00000000`,
          name: special ? `${pick(MATERIALS)}（${i + 1}）` : `一次性医用耗材（${i + 1}）`,
          class: 'A',
          specification: special ? '进口' : '常规',
          unit: '个',
          priceLimit: special ? 100_001 + Math.floor(rnd() * 5_000_000) : 100 + Math.floor(rnd() * 50_000),
          serviceType: special ? 'special_material' : null,
        }),
      );
    }
  }
  // Generated codes may collide: keep the first of each.
  const seen = new Set<string>();
  return rows.filter((r) => !seen.has(r.code) && seen.add(r.code));
}

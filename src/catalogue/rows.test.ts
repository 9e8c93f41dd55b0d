import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isCalendarDate, parseCatalogueCsv, parseRestrictions, sameRow } from './rows.ts';
import { demoCatalogueRows } from '../demo/catalogue.ts';
import { CATALOGUE_KINDS } from './rows.ts';

const HEADER =
  'code,name,class,dosage_form,specification,unit,price_limit,self_pay_first_bp,service_type,restrictions,valid_from,valid_to';

test('a good drug file reads every column, with 甲/乙/丙 as A/B/C', () => {
  const r = parseCatalogueCsv(
    `${HEADER}\nXJ01CAA040A001,阿莫西林胶囊,甲,胶囊剂,0.25g×24,盒,3000,,,,2026-01-01,2026-12-31\n` +
      `XA10BAE020A001,二甲双胍片,乙,片剂,0.5g×60,盒,,1000,,setting=outpatient;age=18-150;max_daily=3,,\n` +
      `XC10AAT001,阿托伐他汀钙片,C,片剂,,,,,,gender=female,,\n`,
    'drug',
  );
  assert.deepEqual(r.errors, []);
  assert.deepEqual(r.rows[0], {
    code: 'XJ01CAA040A001',
    name: '阿莫西林胶囊',
    class: 'A',
    dosageForm: '胶囊剂',
    specification: '0.25g×24',
    unit: '盒',
    priceLimit: 3000,
    selfPayFirstBp: null,
    serviceType: null,
    restrictions: {},
    validFrom: '2026-01-01',
    validTo: '2026-12-31',
  });
  assert.deepEqual(
    [r.rows[1]!.class, r.rows[1]!.selfPayFirstBp, r.rows[1]!.restrictions],
    ['B', 1000, { setting: 'outpatient', ageMin: 18, ageMax: 150, maxDaily: 3 }],
  );
  assert.deepEqual([r.rows[2]!.class, r.rows[2]!.restrictions], ['C', { gender: 'female' }]);
});

test('columns in any order, a BOM, quoted cells; unknown or missing columns refuse the file', () => {
  const ok = parseCatalogueCsv('\uFEFFname,class,code\n"CT平扫, 头部",A,002103000010000\n', 'service');
  assert.deepEqual(ok.errors, []);
  assert.equal(ok.rows[0]!.name, 'CT平扫, 头部');
  for (const bad of ['code,name\nX1,a\n', 'code,name,class,colour\nX1,a,A,red\n', 'code,code,name,class\n'])
    assert.deepEqual(
      parseCatalogueCsv(bad, 'drug').errors.map((e) => [e.line, e.code]),
      [[1, 'missing_header']],
      bad,
    );
  assert.equal(
    parseCatalogueCsv('code,name,class\n"unclosed,a,A\n', 'drug').errors[0]!.code,
    'malformed_csv',
  );
  assert.deepEqual(parseCatalogueCsv('code,name,class\n', 'drug').errors, [
    { line: 1, code: 'empty_catalogue', params: {} },
  ]);
});

test('every bad cell is reported by line and field, with its value', () => {
  const lines = [
    'bad code!,x,A', // code
    'X2,,A', // name
    'X3,x,D', // class
    'X4,x,A,,,,-5', // price_limit
    'X5,x,A,,,,12.5', // price_limit
    'X6,x,A,,,,,1000', // self_pay_first_bp only for class B
    'X7,x,B,,,,,10001', // self_pay_first_bp over 100%
    'X8,x,A,,,,,,large_equipment', // a drug has no special service type
    'X9,x,A,,,,,,,age=20-10', // restrictions
    'X10,x,A,,,,,,,colour=red', // restrictions
    'X11,x,A,,,,,,,,2026-02-30', // valid_from
    'X12,x,A,,,,,,,,2026-03-01,2026-02-01', // valid_to before valid_from
    'X13,x,A,,,,0', // price_limit zero
    'X1,x,A', // good
    'X1,again,A', // duplicate
  ];
  const r = parseCatalogueCsv(
    `code,name,class,dosage_form,specification,unit,price_limit,self_pay_first_bp,service_type,restrictions,valid_from,valid_to\n${lines.join('\n')}`,
    'drug',
  );
  assert.deepEqual(
    r.errors.map((e) => [e.line, e.code, e.params.field ?? e.params.code]),
    [
      [2, 'invalid_catalogue_row', 'code'],
      [3, 'invalid_catalogue_row', 'name'],
      [4, 'invalid_catalogue_row', 'class'],
      [5, 'invalid_catalogue_row', 'price_limit'],
      [6, 'invalid_catalogue_row', 'price_limit'],
      [7, 'invalid_catalogue_row', 'self_pay_first_bp'],
      [8, 'invalid_catalogue_row', 'self_pay_first_bp'],
      [9, 'invalid_catalogue_row', 'service_type'],
      [10, 'invalid_catalogue_row', 'restrictions'],
      [11, 'invalid_catalogue_row', 'restrictions'],
      [12, 'invalid_catalogue_row', 'valid_from'],
      [13, 'invalid_catalogue_row', 'valid_to'],
      [14, 'invalid_catalogue_row', 'price_limit'],
      [16, 'duplicate_catalogue_code', 'X1'],
    ],
  );
  assert.deepEqual(r.errors[8]!.params, { field: 'restrictions', value: 'age=20-10' });
  assert.deepEqual(r.errors[13]!.params, { code: 'X1', line: 15 });
  assert.deepEqual(
    r.rows.map((x) => x.code),
    ['X1'],
  );
});

test('special service types by kind: large equipment for service items, special material for consumables', () => {
  assert.deepEqual(
    parseCatalogueCsv('code,name,class,service_type\nS1,CT,A,large_equipment\n', 'service').errors,
    [],
  );
  assert.equal(
    parseCatalogueCsv('code,name,class,service_type\nS1,CT,A,special_material\n', 'service').errors.length,
    1,
  );
  assert.deepEqual(
    parseCatalogueCsv('code,name,class,service_type\nC1,支架,A,special_material\n', 'material').errors,
    [],
  );
  assert.equal(
    parseCatalogueCsv('code,name,class,dosage_form\nC1,支架,A,片剂\n', 'material').errors[0]!.params.field,
    'dosage_form',
  );
});

test('restrictions: each key once, known values only', () => {
  assert.deepEqual(parseRestrictions(''), {});
  assert.deepEqual(parseRestrictions(' setting = inpatient ; service=special_outpatient '), {
    setting: 'inpatient',
    serviceType: 'special_outpatient',
  });
  for (const bad of [
    'setting=home',
    'gender=f',
    'age=1',
    'age=0-151',
    'max_daily=0',
    'setting=inpatient;setting=outpatient',
    'x',
  ])
    assert.ok('problem' in parseRestrictions(bad), bad);
});

test('calendar dates: real days only', () => {
  fc.assert(
    fc.property(
      fc.date({ min: new Date('1900-01-01'), max: new Date('2199-12-31'), noInvalidDate: true }),
      (d) => isCalendarDate(d.toISOString().slice(0, 10)),
    ),
  );
  for (const bad of ['2026-02-29', '2026-13-01', '2026-1-1', '20260101', '2024-02-30'])
    assert.equal(isCalendarDate(bad), false, bad);
  assert.equal(isCalendarDate('2024-02-29'), true);
});

test('sameRow ignores the order of restrictions and sees any other change', () => {
  const [a] = parseCatalogueCsv('code,name,class,restrictions\nX,x,A,age=1-2;gender=male\n', 'drug').rows;
  const [b] = parseCatalogueCsv('code,name,class,restrictions\nX,x,A,gender=male;age=1-2\n', 'drug').rows;
  const [c] = parseCatalogueCsv('code,name,class,restrictions\nX,y,A,gender=male;age=1-2\n', 'drug').rows;
  assert.ok(sameRow(a!, b!));
  assert.ok(!sameRow(a!, c!));
});

test('the demo catalogue is a few thousand valid rows with unique codes, and reads back from CSV unchanged', () => {
  let total = 0;
  for (const kind of CATALOGUE_KINDS) {
    const rows = demoCatalogueRows(kind);
    total += rows.length;
    assert.equal(new Set(rows.map((r) => r.code)).size, rows.length);
    const csv = [
      HEADER,
      ...rows.map((r) =>
        [
          r.code,
          `"${r.name}"`,
          r.class,
          r.dosageForm ?? '',
          r.specification ?? '',
          r.unit ?? '',
          r.priceLimit ?? '',
          r.selfPayFirstBp ?? '',
          r.serviceType ?? '',
          Object.entries(r.restrictions)
            .map(([k, v]) =>
              k === 'ageMin'
                ? `age=${v}-${r.restrictions.ageMax}`
                : k === 'ageMax'
                  ? ''
                  : `${k === 'serviceType' ? 'service' : k === 'maxDaily' ? 'max_daily' : k}=${v}`,
            )
            .filter(Boolean)
            .join(';'),
          r.validFrom ?? '',
          r.validTo ?? '',
        ].join(','),
      ),
    ].join('\n');
    const parsed = parseCatalogueCsv(csv, kind);
    assert.deepEqual(parsed.errors, [], kind);
    assert.equal(parsed.rows.length, rows.length);
    parsed.rows.forEach((r, i) => assert.ok(sameRow(r, rows[i]!), `${kind} row ${i}`));
  }
  assert.ok(total > 3000, `${total} rows`);
});

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatQrBench, runQrBench } from '../../bench/qr.ts';

void test('runQrBench measures four positive rates and formats them', () => {
  const r = runQrBench({ durationMs: 200 });
  for (const [name, v] of Object.entries(r)) assert.ok(Number.isFinite(v) && v > 0, `${name} = ${v}`);
  const table = formatQrBench(r);
  assert.ok(table.includes(Math.round(r.verifyPerSec).toLocaleString('en-US')));
  assert.equal(table.split('\n').length, 3);
});

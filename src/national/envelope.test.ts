import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hasText } from '../i18n/index.ts';
import {
  NationalRefusal,
  REFUSALS,
  canonicalJson,
  checkMsgid,
  compactTime,
  parseTime,
  signingString,
} from './envelope.ts';

void test('every refusal prefix has its text in both languages', () => {
  for (const p of REFUSALS) assert.ok(hasText(`national.refusals.${p}`), p);
});

void test('the signed text: keys sorted at every level, no whitespace, cainfo left out', () => {
  assert.equal(canonicalJson({ b: 1, a: [{ d: 'x', c: null }] }), '{"a":[{"c":null,"d":"x"}],"b":1}');
  assert.equal(signingString({ cainfo: 'sig', z: 1, a: '二' }), '{"a":"二","z":1}');
});

void test('times are Beijing wall-clock times that must exist', () => {
  const at = parseTime('2026-06-15 10:00:00')!;
  assert.equal(at.toISOString(), '2026-06-15T02:00:00.000Z');
  assert.equal(compactTime(at), '20260615100000');
  assert.equal(parseTime('20260615100000')?.getTime(), at.getTime());
  for (const bad of ['2026-02-30 10:00:00', '2026-06-15 24:00:00', '2026-06-15T10:00:00', 20260615, null])
    assert.equal(parseTime(bad), null, String(bad));
});

void test('msgid: the sender’s code, a real time and a 4-digit sequence', () => {
  const ok = 'H12345678901' + '20260615100000' + '0001';
  checkMsgid(ok, 'H12345678901');
  for (const [msgid, code] of [
    [ok, 'H12345678902'],
    [ok.slice(0, 29), 'H12345678901'],
    ['H12345678901' + '20261345100000' + '0001', 'H12345678901'],
    ['X12345678901' + '20260615100000' + '0001', 'X12345678901'],
  ] as const)
    assert.throws(
      () => checkMsgid(msgid, code),
      (e: unknown) => e instanceof NationalRefusal && e.prefix === 'msgid_invalid',
    );
});

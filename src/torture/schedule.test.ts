import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientOps, scheduleFingerprint, timeline, type TortureShape } from './schedule.ts';

const shape: TortureShape = { seed: 42, seconds: 30, clients: 4, faults: true };
const first = (s: TortureShape, client: number, n: number) => {
  const ops = clientOps(s, client);
  return Array.from({ length: n }, () => ops.next().value);
};

test('the same seed gives the same workload and the same fault schedule', () => {
  assert.deepEqual(timeline(shape), timeline({ ...shape }));
  for (let c = 0; c < shape.clients; c++) assert.deepEqual(first(shape, c, 300), first({ ...shape }, c, 300));
  assert.equal(scheduleFingerprint(shape), scheduleFingerprint({ ...shape }));
});

test('another seed gives another schedule; clients differ from each other', () => {
  const other = { ...shape, seed: 43 };
  assert.notDeepEqual(timeline(other), timeline(shape));
  assert.notDeepEqual(first(other, 0, 50), first(shape, 0, 50));
  assert.notDeepEqual(first(shape, 1, 50), first(shape, 0, 50));
  assert.notEqual(scheduleFingerprint(other), scheduleFingerprint(shape));
});

test('the timeline holds kills and terminated backends within the run, and the business events', () => {
  const events = timeline(shape);
  const kinds = (k: string) => events.filter((e) => e.kind === k);
  assert.ok(kinds('kill').length >= 1);
  assert.ok(kinds('terminate').length >= 2);
  assert.equal(kinds('contribution').length, 3);
  assert.equal(kinds('pay_day').length, 1);
  for (const e of events) assert.ok(e.atMs >= 0 && e.atMs < shape.seconds * 1000, `${e.kind} at ${e.atMs}`);
  assert.deepEqual(
    events.map((e) => e.atMs),
    events.map((e) => e.atMs).sort((a, b) => a - b),
  );
  const quiet = timeline({ ...shape, faults: false });
  assert.equal(quiet.filter((e) => e.kind === 'kill' || e.kind === 'terminate').length, 0);
});

test('the op stream holds every kind of request, some with a short client timeout', () => {
  const ops = first(shape, 1, 2000);
  for (const kind of ['qr', 'card', 'estimate', 'refund', 'duplicate', 'two_tills', 'family'])
    assert.ok(
      ops.some((o) => o.kind === kind),
      kind,
    );
  assert.ok(ops.some((o) => 'timeoutMs' in o && o.timeoutMs));
});

test('the kill and termination rates: the defaults unchanged, a long run’s own rate honoured', () => {
  // Without the options the timeline is exactly the one CI has always run (the fingerprint too).
  assert.deepEqual(timeline(shape), timeline({ ...shape, killEverySeconds: 8, terminateEverySeconds: 2.5 }));
  assert.equal(
    scheduleFingerprint(shape),
    scheduleFingerprint({ ...shape, killEverySeconds: 8, terminateEverySeconds: 2.5 }),
  );
  const long: TortureShape = {
    seed: 7,
    seconds: 1800,
    clients: 8,
    faults: true,
    killEverySeconds: 25,
    terminateEverySeconds: 10,
  };
  const events = timeline(long);
  const kills = events.filter((e) => e.kind === 'kill');
  assert.equal(kills.length, 72);
  assert.equal(events.filter((e) => e.kind === 'terminate').length, 180);
  for (const e of events) assert.ok(e.atMs >= 0 && e.atMs < long.seconds * 1000, `${e.kind} at ${e.atMs}`);
  // One kill per slice: consecutive kills at least 0.3 of a slice apart (time for the restart).
  const slice = (0.85 * long.seconds * 1000) / kills.length;
  for (let i = 1; i < kills.length; i++)
    assert.ok(kills[i]!.atMs - kills[i - 1]!.atMs >= 0.3 * slice, `kills ${i - 1} and ${i}`);
  assert.deepEqual(timeline(long), timeline({ ...long }));
  assert.notDeepEqual(timeline(long), timeline({ ...long, killEverySeconds: 20 }));
});

/**
 * The seeded schedule: what every client sends, in order, and when each fault and each agency/employer
 * event happens. Everything here is a pure function of the seed and the options, so the same seed replays
 * the same workload and the same fault schedule (the interleaving of concurrent requests is the machine's).
 */
import { createHash } from 'node:crypto';
import { prng } from '../demo/synthetic.ts';
import { billItems } from '../../bench/mix.ts';

export interface TortureShape {
  seed: number;
  seconds: number;
  clients: number;
  /** Inject faults (kills, terminated backends); client timeouts are part of the workload. */
  faults: boolean;
  /** One server kill per this many seconds of the run (default 8); a long run sets its own rate. */
  killEverySeconds?: number;
  /** One terminated PostgreSQL backend per this many seconds of the run (default 2.5). */
  terminateEverySeconds?: number;
}

const DEFAULT_KILL_EVERY_SECONDS = 8;
const DEFAULT_TERMINATE_EVERY_SECONDS = 2.5;

/** Four institutions: the k-th client's till is at institution k mod 4. */
export const INSTITUTIONS = [
  { code: 'P99000000001', kind: 'pharmacy' },
  { code: 'H99000000002', kind: 'hospital' },
  { code: 'P99000000003', kind: 'pharmacy' },
  { code: 'H99000000004', kind: 'hospital' },
] as const;

type Item = ReturnType<typeof billItems>[number];
export interface Bill {
  setting: 'inpatient' | 'outpatient';
  items: Item[];
}

/** A client-side timeout shorter than the server's work, for the first attempt of a request. */
type Timeout = { timeoutMs?: number };

export type Op =
  | ({ kind: 'qr'; person: number; bill: Bill } & Timeout)
  | ({ kind: 'card'; card: number; bill: Bill } & Timeout)
  | { kind: 'estimate'; person: number; bill: Bill }
  /** Refund one of this client's acknowledged settlements (`pick` in [0, 1) chooses which), whole or one line. */
  | ({ kind: 'refund'; pick: number; partial: boolean } & Timeout)
  /** The same request with the same Idempotency-Key sent twice at once. */
  | ({ kind: 'duplicate'; person: number; bill: Bill } & Timeout)
  /** The same QR code at this till and, at once, at a till of the next institution. */
  | { kind: 'two_tills'; person: number; bill: Bill }
  /** A relative's bill paid from the binder's account while the binder pays a bill of their own. */
  | { kind: 'family'; pair: number; relativeBill: Bill; binderBill: Bill };

type EventKind = 'kill' | 'terminate' | 'contribution' | 'pay_day';
export interface TimelineEvent {
  atMs: number;
  kind: EventKind;
  /** contribution: months before the current one; terminate: which backend (a fraction of the list). */
  arg: number;
}

export interface World {
  people: number;
  /** Persons 2k (binder, pays) and 2k+1 (relative) for k < pairs. */
  pairs: number;
  /** The last `cards` persons also hold an active physical card. */
  cards: number;
}

export function worldShape(clients: number): World {
  return { people: 8 + 3 * clients, pairs: 4, cards: 6 };
}

/** A 32-bit seed for a sub-stream (client k, the timeline), mixed from the run's seed. */
function subSeed(seed: number, stream: string): number {
  return createHash('sha256').update(`${seed}/${stream}`).digest().readUInt32BE(0);
}

/** Every client's endless op stream; the client takes ops until the run's deadline. */
export function* clientOps(shape: TortureShape, client: number): Generator<Op> {
  const rnd = prng(subSeed(shape.seed, `client ${client}`));
  const world = worldShape(shape.clients);
  const hospital = INSTITUTIONS[client % INSTITUTIONS.length]!.kind === 'hospital';
  const int = (n: number) => Math.floor(rnd() * n);
  const bill = (inpatientAllowed = hospital): Bill => {
    const inpatient = inpatientAllowed && rnd() < 0.5;
    return {
      setting: inpatient ? 'inpatient' : 'outpatient',
      items: billItems(rnd, inpatient, inpatient ? 3 + int(28) : undefined),
    };
  };
  const timeout = (): Timeout => (rnd() < 0.06 ? { timeoutMs: 1 + int(25) } : {});
  for (;;) {
    const roll = rnd();
    if (roll < 0.5) yield { kind: 'qr', person: int(world.people), bill: bill(), ...timeout() };
    else if (roll < 0.58) yield { kind: 'card', card: int(world.cards), bill: bill(), ...timeout() };
    else if (roll < 0.66) yield { kind: 'estimate', person: int(world.people), bill: bill() };
    else if (roll < 0.78) yield { kind: 'refund', pick: rnd(), partial: rnd() < 0.5, ...timeout() };
    else if (roll < 0.85) yield { kind: 'duplicate', person: int(world.people), bill: bill(), ...timeout() };
    else if (roll < 0.91) yield { kind: 'two_tills', person: int(world.people), bill: bill(false) };
    else
      yield {
        kind: 'family',
        pair: int(world.pairs),
        relativeBill: bill(false),
        binderBill: bill(false),
      };
  }
}

/**
 * The run's timeline: server kills and terminated backends (when faults are on), three monthly
 * contribution runs for earlier months, and the agency marking each institution's day as paid half-way.
 */
export function timeline(shape: TortureShape): TimelineEvent[] {
  const rnd = prng(subSeed(shape.seed, 'timeline'));
  const span = shape.seconds * 1000;
  const at = (from: number, to: number) => Math.round(span * (from + rnd() * (to - from)));
  const events: TimelineEvent[] = [];
  if (shape.faults) {
    const kills = Math.max(
      1,
      Math.round(shape.seconds / (shape.killEverySeconds ?? DEFAULT_KILL_EVERY_SECONDS)),
    );
    for (let i = 0; i < kills; i++) {
      // One kill per slice of the run, so that the server has time to come back between kills.
      const slice = 0.85 / kills;
      events.push({ atMs: at(0.05 + i * slice, 0.05 + (i + 0.7) * slice), kind: 'kill', arg: 0 });
    }
    const terminations = Math.max(
      2,
      Math.round(shape.seconds / (shape.terminateEverySeconds ?? DEFAULT_TERMINATE_EVERY_SECONDS)),
    );
    for (let i = 0; i < terminations; i++)
      events.push({ atMs: at(0.03, 0.92), kind: 'terminate', arg: rnd() });
  }
  for (const [k, from] of [
    [1, 0.15],
    [2, 0.4],
    [3, 0.65],
  ] as const) {
    events.push({ atMs: at(from, from + 0.1), kind: 'contribution', arg: k });
  }
  events.push({ atMs: at(0.45, 0.55), kind: 'pay_day', arg: 0 });
  return events.sort((a, b) => a.atMs - b.atMs || a.kind.localeCompare(b.kind));
}

/** A short fingerprint of the schedule (the timeline and each client's first ops), for the report. */
export function scheduleFingerprint(shape: TortureShape, opsPerClient = 200): string {
  const h = createHash('sha256').update(JSON.stringify(timeline(shape)));
  for (let c = 0; c < shape.clients; c++) {
    const ops = clientOps(shape, c);
    for (let i = 0; i < opsPerClient; i++) h.update(JSON.stringify(ops.next().value));
  }
  return h.digest('hex').slice(0, 12);
}

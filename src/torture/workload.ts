/**
 * Runs the seeded workload against the server: each client takes its op stream (schedule.ts) until the
 * deadline; refunds pick among the client's own acknowledged settlements.
 */
import { issueToken } from '../qr/token.ts';
import { businessDate, businessMonth } from '../platform/business-date.ts';
import { perform, type LoggedRequest, type Sender } from './client.ts';
import { clientOps, type Bill, type Op, type TortureShape } from './schedule.ts';
import { CARD_PIN, PAYMENT_PIN, type TortureWorld } from './world.ts';

interface Acked {
  id: string;
  lines: number;
  refunded: Set<number>;
}

export async function runClient(
  s: Sender,
  shape: TortureShape,
  world: TortureWorld,
  client: number,
  deadline: number,
): Promise<void> {
  const ops = clientOps(shape, client);
  const till = world.tills[client]!;
  const inst = client % world.institutions.length;
  const other = (inst + 1) % world.institutions.length;
  const mine: Acked[] = [];
  const keyOf = (n: number, suffix = '') => `torture-${shape.seed}-c${client}-${n}${suffix}`;
  const qrOf = (person: number) => issueToken(world.ring, { ecardId: world.persons[person]!.ecardId }).token;
  const settle = (
    n: number,
    suffix: string,
    op: Op['kind'],
    body: object,
    o: { key?: string; token?: string; institution?: number; group?: string; timeoutMs?: number } = {},
  ) =>
    perform(s, {
      id: `c${client}-${n}${suffix}`,
      op,
      kind: 'settle',
      url: '/v1/terminal/settlements',
      scope: `settlement:${world.institutions[o.institution ?? inst]!.id}`,
      key: o.key ?? keyOf(n, suffix),
      group: o.group,
      body: { ...body, paymentPin: PAYMENT_PIN },
      token: o.token ?? till,
      firstTimeoutMs: o.timeoutMs,
    });
  const remember = (r: LoggedRequest) => {
    const b = r.final && r.final.status < 300 ? r.final.body : null;
    if (b?.id) mine.push({ id: b.id, lines: b.result.lines.length, refunded: new Set() });
  };
  const qrBody = (person: number, bill: Bill) => ({ qr: qrOf(person), bill });

  for (let n = 0; performance.now() < deadline; n++) {
    const op = ops.next().value as Op;
    switch (op.kind) {
      case 'qr':
        remember(await settle(n, '', op.kind, qrBody(op.person, op.bill), { timeoutMs: op.timeoutMs }));
        break;
      case 'card':
        remember(
          await settle(
            n,
            '',
            op.kind,
            { card: { number: world.cards[op.card]!, pin: CARD_PIN }, bill: op.bill },
            { timeoutMs: op.timeoutMs },
          ),
        );
        break;
      case 'estimate':
        await perform(s, {
          id: `c${client}-${n}`,
          op: op.kind,
          kind: 'estimate',
          url: '/v1/terminal/settlements',
          body: { ...qrBody(op.person, op.bill), estimate: true },
          token: till,
        });
        break;
      case 'duplicate': {
        const body = qrBody(op.person, op.bill);
        const group = `dup c${client}-${n}`;
        const [a, b] = await Promise.all([
          settle(n, 'a', op.kind, body, { key: keyOf(n), group, timeoutMs: op.timeoutMs }),
          settle(n, 'b', op.kind, body, { key: keyOf(n), group }),
        ]);
        remember(a);
        if (b.final?.body?.id !== a.final?.body?.id) remember(b);
        break;
      }
      case 'two_tills': {
        const body = qrBody(op.person, op.bill);
        const group = `two tills c${client}-${n}`;
        const [a] = await Promise.all([
          settle(n, 'a', op.kind, body, { group }),
          settle(n, 'b', op.kind, body, { group, token: world.spareTills[other], institution: other }),
        ]);
        remember(a);
        break;
      }
      case 'family': {
        const pair = world.pairs[op.pair]!;
        const group = `family c${client}-${n}`;
        const rs = await Promise.all([
          settle(n, 'r', op.kind, qrBody(pair.relative, op.relativeBill), { group }),
          settle(n, 'b', op.kind, qrBody(pair.binder, op.binderBill), { group }),
        ]);
        rs.forEach(remember);
        break;
      }
      case 'refund': {
        const live = mine.filter((m) => m.refunded.size < m.lines);
        if (!live.length) break;
        const target = live[Math.floor(op.pick * live.length)]!;
        const left = [...Array(target.lines).keys()].filter((i) => !target.refunded.has(i));
        const lines =
          op.partial && left.length > 1 ? [left[Math.floor(op.pick * 997) % left.length]!] : undefined;
        const r = await perform(s, {
          id: `c${client}-${n}`,
          op: op.partial ? 'partial refund' : 'whole refund',
          kind: 'refund',
          url: `/v1/terminal/settlements/${target.id}/refunds`,
          scope: `refund:${world.institutions[inst]!.id}`,
          key: keyOf(n),
          body: { reason: 'torture refund', ...(lines ? { lines } : {}) },
          token: till,
          firstTimeoutMs: op.timeoutMs,
        });
        if (r.final && r.final.status < 300)
          for (const i of r.final.body.lines as number[]) target.refunded.add(i);
        else if (r.final?.body?.error?.code === 'already_refunded' && !lines)
          for (const i of left) target.refunded.add(i);
        break;
      }
    }
  }
}

/** The employer declares and pays the month `back` months before this one: twice at once. */
export async function contributionRun(s: Sender, world: TortureWorld, back: number): Promise<void> {
  const [y, m] = businessMonth(new Date()).split('-').map(Number) as [number, number];
  const k = y * 12 + (m - 1) - back;
  const month = `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
  const body = { declarations: world.employer.bases, paid: true };
  await Promise.all(
    ['a', 'b'].map((x) =>
      perform(s, {
        id: `contribution ${month} ${x}`,
        op: 'contribution run',
        kind: 'contribution',
        url: `/v1/employer/contributions/${month}`,
        group: `contribution ${month}`,
        body,
        token: world.employer.token,
      }),
    ),
  );
}

/** The agency marks today's total of every institution as paid, while the tills keep settling. */
export async function payDay(s: Sender, world: TortureWorld): Promise<void> {
  const date = businessDate(new Date());
  await Promise.all(
    world.institutions.map((inst, i) =>
      perform(s, {
        id: `pay day ${i}`,
        op: 'pay day',
        kind: 'pay_day',
        url: `/v1/staff/institutions/${inst.id}/payments`,
        body: { date },
        token: world.staffToken,
      }),
    ),
  );
}

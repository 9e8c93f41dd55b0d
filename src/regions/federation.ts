import {
  Events,
  type ConsumerMessages,
  type JetStreamClient,
  type NatsConnection,
  type Subscription,
} from 'nats';
import type { App } from '../platform/http.ts';
import type { Caller, Ctx } from '../platform/context.ts';
import type { SettleRequest, SettlementView } from '../settlement/settle.ts';
import type { RefundRequest, RefundView } from '../settlement/refund.ts';
import { ForeignKeys, publishKeys, refreshDirectory } from './directory.ts';
import {
  ANSWER_STREAM,
  REQUEST_STREAM,
  connectNats,
  durables,
  ensureConsumer,
  ensureStreams,
  json,
  subjects,
} from './nats.ts';
import { answerRequest, estimateHere, type InsuredDeps } from './insured.ts';
import {
  Waiters,
  insuredRegionOf,
  isCrossing,
  recordAnswer,
  refundAcross,
  settleAcross,
  type TreatmentDeps,
} from './crossing.ts';
import type { AcrossAnswer, AcrossRequest, EstimateAcross } from './messages.ts';
import { ask, serveRequests } from './rpc.ts';
import { eligibilityAcross, type Eligibility } from '../settlement/eligibility.ts';
import { AppError, unprocessable } from '../platform/errors.ts';
import { recordScan } from '../institutions/store.ts';
import {
  insuredLines,
  insuredRegionsOn,
  reconcileWith,
  runClearing,
  type ClearingOutcome,
  type Reconciliation,
} from './clearing.ts';

export interface RegionOptions {
  region: string;
  name?: string;
  natsUrl: string;
  /** How long a till waits for the insured region (default 8 s). */
  waitMs?: number;
  /** How long after the till sent it the insured region may still act on a request (default 10 min). */
  requestTtlMs?: number;
  /** JetStream redelivers an unacknowledged message after this (default 30 s). */
  ackWaitMs?: number;
  /** Requests to the hub and to other regions (default 3 s). */
  askTimeoutMs?: number;
  /** How often keys are published and the directory refreshed (default 60 s). */
  refreshMs?: number;
  /** Tests: a crash point inside the insured region's transaction. */
  beforeCommit?: InsuredDeps['beforeCommit'];
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The cross-region federation when the process serves a region (`yibao serve --region`), else null. */
    regions: RegionFederation | null;
  }
}

/**
 * One region's membership of the federation (docs/REGIONS.md): the NATS connection, the insured-side consumer
 * of requests for this region's people, the treatment-side consumer of answers for this region's tills, the
 * reconciliation responder, and the key federation through the hub.
 */
export class RegionFederation {
  readonly region: string;
  #stopped = false;
  #subs: Subscription[] = [];
  #consumers: ConsumerMessages[] = [];
  #loops: Array<Promise<void>> = [];
  #timer: NodeJS.Timeout | undefined;

  private constructor(
    private readonly app: App,
    private readonly opts: RegionOptions,
    readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly treatment: TreatmentDeps,
    private readonly insured: InsuredDeps,
  ) {
    this.region = opts.region;
  }

  static async start(app: App, opts: RegionOptions): Promise<RegionFederation> {
    const nc = await connectNats(opts.natsUrl, `yibao-region-${opts.region}`);
    await ensureStreams(nc);
    const ackWait = opts.ackWaitMs ?? 30_000;
    await ensureConsumer(
      nc,
      REQUEST_STREAM,
      durables.insured(opts.region),
      subjects.requestsOf(opts.region),
      ackWait,
    );
    await ensureConsumer(
      nc,
      ANSWER_STREAM,
      durables.answers(opts.region),
      subjects.answer(opts.region),
      ackWait,
    );
    await app.db.query('insert into regions (code, name) values ($1, $2) on conflict (code) do nothing', [
      opts.region,
      opts.name ?? opts.region,
    ]);
    const js = nc.jetstream();
    // Whether the connection is up now (the client reconnects by itself; a till's request waits for neither).
    let connected = true;
    void (async () => {
      for await (const s of nc.status()) {
        if (s.type === Events.Disconnect) connected = false;
        else if (s.type === Events.Reconnect) connected = true;
      }
    })();
    const treatment: TreatmentDeps = {
      db: app.db,
      region: opts.region,
      js,
      foreign: new ForeignKeys(app.db),
      waitMs: opts.waitMs ?? 8_000,
      requestTtlMs: opts.requestTtlMs ?? 10 * 60_000,
      clockSkewSeconds: app.config.qrClockSkewSeconds,
      waiters: new Waiters(),
      connected: () => connected,
      estimate: async (region, req) =>
        (
          await ask<{ estimate: SettlementView }>(
            nc,
            region,
            subjects.estimate(region),
            req,
            opts.askTimeoutMs ?? 3_000,
          )
        ).estimate,
    };
    const insured: InsuredDeps = {
      db: app.db,
      config: app.config,
      region: opts.region,
      keys: app.qrKeySets,
      paymentPinKey: app.paymentPinKey,
      clock: app.clock,
      ...(opts.beforeCommit ? { beforeCommit: opts.beforeCommit } : {}),
    };
    const fed = new RegionFederation(app, opts, nc, js, treatment, insured);
    await fed.#run();
    return fed;
  }

  get #askMs() {
    return this.opts.askTimeoutMs ?? 3_000;
  }

  async #run(): Promise<void> {
    const log = (err: unknown) => this.app.log.error({ err }, 'region federation');
    this.#subs.push(
      serveRequests<{ treatmentRegion: string; date: string }, { lines: unknown[] }>(
        this.nc,
        subjects.reconcile(this.region),
        async (r) => ({ lines: await insuredLines(this.app.db, r.treatmentRegion, r.date) }),
        log,
      ),
    );
    // Insured side: the eligibility of a code of this region's person scanned at another region's till.
    this.#subs.push(
      serveRequests<{ qr: string; at: string }, { eligibility: Eligibility }>(
        this.nc,
        subjects.eligibility(this.region),
        async (r) => ({
          eligibility: await eligibilityAcross(
            {
              db: this.app.db,
              caller: null,
              now: new Date(r.at),
              config: this.app.config,
              paymentPinKey: this.app.paymentPinKey,
            },
            this.app.qrKeySets,
            r.qr,
          ),
        }),
        log,
      ),
    );
    // Insured side: an estimate of a bill of this region's person at another region's till (nothing written).
    this.#subs.push(
      serveRequests<EstimateAcross, { estimate: SettlementView }>(
        this.nc,
        subjects.estimate(this.region),
        async (r) => ({ estimate: await estimateHere(this.insured, r) }),
        log,
      ),
    );
    // Insured side: requests for this region's people, one at a time, acknowledged after the answer is out.
    const requests = await (
      await this.js.consumers.get(REQUEST_STREAM, durables.insured(this.region))
    ).consume({
      max_messages: 8,
    });
    this.#consumers.push(requests);
    this.#loops.push(
      (async () => {
        for await (const m of requests) {
          if (this.#stopped) break;
          try {
            const req = json.decode(m.data) as AcrossRequest;
            const answer = await answerRequest(this.insured, req);
            if (this.#stopped) break;
            await this.js.publish(subjects.answer(req.treatmentRegion), json.encode(answer), {
              // A refusal is not stored: a later success of the same request must not be taken for its duplicate.
              msgID: `ans:${req.msgId}${answer.ok ? '' : ':refused'}`,
            });
            m.ack();
          } catch (err) {
            if (this.#stopped) break;
            log(err);
            m.nak(1_000);
          }
        }
      })(),
    );
    // Treatment side: answers for this region's tills, recorded before they are acknowledged.
    const answers = await (
      await this.js.consumers.get(ANSWER_STREAM, durables.answers(this.region))
    ).consume({
      max_messages: 8,
    });
    this.#consumers.push(answers);
    this.#loops.push(
      (async () => {
        for await (const m of answers) {
          if (this.#stopped) break;
          try {
            await recordAnswer(this.treatment, json.decode(m.data) as AcrossAnswer, this.app.clock());
            m.ack();
          } catch (err) {
            if (this.#stopped) break;
            log(err);
            m.nak(1_000);
          }
        }
      })(),
    );
    await this.refresh().catch(log);
    const every = this.opts.refreshMs ?? 60_000;
    this.#timer = setInterval(() => void this.refresh().catch(log), every);
    this.#timer.unref();
  }

  /** Publishes this region's keys to the hub and refreshes the other regions' (the hub may be down). */
  async refresh(): Promise<string[]> {
    const now = this.app.clock();
    await publishKeys(
      this.nc,
      { code: this.region, name: this.opts.name ?? this.region },
      this.app.qrKeySets,
      now,
      this.#askMs,
    );
    const others = await refreshDirectory(this.app.db, this.nc, this.region, now, this.#askMs);
    this.treatment.foreign.reset();
    return others;
  }

  /** The insured region of a scanned code when it is another region's, else null (settle at home). */
  insuredRegionOf(qr: string | undefined): Promise<string | null> {
    return insuredRegionOf(this.treatment, qr);
  }

  /**
   * The till's scan of another region's code: signature and time checked here with the federated keys
   * (offline), the institution's acceptance of the e-card here, then the person's eligibility from the insured
   * region (core request/reply; `region_unavailable` when it does not answer).
   */
  async eligibility(ctx: Ctx, terminal: Caller, qr: string): Promise<Eligibility> {
    // Written to the institution's scan audit, accepted or refused, as a scan at home is: no person id (the
    // person is another region's), the insured region and the masked identity it answered.
    const audit = {
      institutionId: terminal.institutionId!,
      terminalId: terminal.terminalId!,
      regionCode: terminal.regionCode!,
      at: ctx.now,
      method: 'qr' as const,
    };
    const insuredRegion = (await this.insuredRegionOf(qr))!;
    let ecardId: string | null = null;
    try {
      const { region, claims } = await this.treatment.foreign.verify(
        qr,
        ctx.now,
        this.app.config.qrClockSkewSeconds,
      );
      ecardId = claims.ecardId;
      const { rows } = await this.app.db.query<{ accepts_ecard: boolean }>(
        'select accepts_ecard from institutions where id = $1',
        [terminal.institutionId],
      );
      if (!rows[0]?.accepts_ecard)
        throw unprocessable(
          'ecard_not_accepted',
          'This institution does not accept the e-card; read the physical card instead',
        );
      const { eligibility } = await ask<{ eligibility: Eligibility }>(
        this.nc,
        region,
        subjects.eligibility(region),
        { qr, at: ctx.now.toISOString() },
        this.#askMs,
      );
      await recordScan(this.app.db, {
        ...audit,
        outcome: 'accepted',
        reason: null,
        ecardId,
        crossRegion: {
          insuredRegion,
          maskedName: eligibility.person.maskedName,
          maskedIdNumber: eligibility.person.maskedIdNumber,
        },
      });
      return eligibility;
    } catch (err) {
      if (err instanceof AppError)
        await recordScan(this.app.db, {
          ...audit,
          outcome: 'refused',
          reason: err.code,
          ecardId,
          crossRegion: { insuredRegion, maskedName: null, maskedIdNumber: null },
        });
      throw err;
    }
  }

  settle(
    ctx: Ctx,
    terminal: Caller,
    req: SettleRequest,
    key: string | undefined,
  ): Promise<{ status: number; body: SettlementView; replayed: boolean }> {
    return settleAcross(this.treatment, ctx, terminal, req, key);
  }

  isCrossing(institutionId: string, settlementId: string): Promise<boolean> {
    return isCrossing(this.app.db, institutionId, settlementId);
  }

  refund(
    ctx: Ctx,
    terminal: Caller,
    settlementId: string,
    req: RefundRequest,
    key: string | undefined,
  ): Promise<{ status: number; body: RefundView; replayed: boolean }> {
    return refundAcross(this.treatment, ctx, terminal, settlementId, req, key);
  }

  clear(month: string): Promise<ClearingOutcome> {
    return runClearing(this.app.db, this.nc, this.region, month, this.app.clock(), this.#askMs);
  }

  /** The day's reconciliation with every region whose people this region treated. */
  async reconcile(date: string): Promise<Reconciliation[]> {
    const out: Reconciliation[] = [];
    for (const insured of await insuredRegionsOn(this.app.db, date))
      out.push(await reconcileWith(this.app.db, this.nc, this.region, insured, date, this.#askMs));
    return out;
  }

  /** Leaves: stops taking messages, lets the one in hand finish, closes the connection. */
  async stop(): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const s of this.#subs) s.unsubscribe();
    for (const c of this.#consumers) c.stop();
    await Promise.allSettled(this.#loops);
    await this.nc.drain().catch(() => undefined);
  }

  /** Tests: dies on the spot, as a killed process would: nothing in hand is acknowledged. */
  async kill(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    for (const c of this.#consumers) c.stop();
    await this.nc.close().catch(() => undefined);
  }
}

import type { Db, Queryable } from '../platform/db.ts';
import { AppError, conflict } from '../platform/errors.ts';
import { isDeadlock, lockPersonsOf, type PersonOf } from '../platform/locks.ts';
import { claimKeys, type KeyClaim } from '../platform/idempotency.ts';
import { balanceShardsWrite } from '../ledger/ledger.ts';

/**
 * Group commit (issue 19, docs/PERFORMANCE.md): under load, settlements that arrive within a short window
 * share one transaction and one commit. A settlement joins a batch only while at least `siblings` others are
 * under way in the process (else it runs alone at once). A batch is cut when it holds `maxBatch` members or
 * `windowMs` after its first member arrived; at most `transactions` batches run at once, and what arrives
 * meanwhile waits for the next.
 *
 * A batch, in one transaction on one connection:
 *   0. claims its members' idempotency keys, in one statement (`claimKeys`);
 *   1. locks the persons of all its payers in one statement, in ascending person id: the first step of the
 *      lock order (src/platform/locks.ts), taken in the same order by every batch;
 *   2. runs each member in turn. A member refused before its write (a replayed code, a frozen card, a wrong
 *      PIN: an `AppError`) gives back the token it consumed and the batch goes on without it; nothing else it
 *      wrote matters (the year's accumulators at zero, an account made on first use). No savepoints: they
 *      cost a round trip and a subtransaction per member. A refusal after the member's write, or any
 *      statement error (which aborts the transaction), rolls the whole batch back and every member settles
 *      alone (`MustRollBack`, `RunAlone`), where a refusal rolls back only its own transaction. A member never
 *      waits for a lock the batch did not take in step 1 (a relative is locked `nowait`; when it is held
 *      elsewhere the member throws `RunAlone` and its caller settles it in a transaction of its own);
 *   3. writes the shared ledger accounts' deltas of all the members once (one shard row per account),
 *      the lock order's last step;
 *   4. commits. Only then is any caller answered: the members that stood get their answers, the refused get
 *      their refusals; if the commit fails, every member that stood gets the commit's error (as a lone
 *      transaction's caller would; a retry with the same Idempotency-Key finds the answer if it committed).
 *
 * A second request with an idempotency key that is queued or in a running batch of this process is refused
 * at once (409 `idempotency_key_in_use`), as the key's advisory lock refuses one from another process.
 */
export interface GroupCommitOptions {
  /** Most members per transaction (the issue: about 32; PostgreSQL caches 64 subtransactions per backend). */
  maxBatch: number;
  /** How long the first member of a batch waits for others, in ms (0: those of the same event-loop turn). */
  windowMs: number;
  /** Batches (connections) running at once. */
  transactions: number;
  /**
   * Settlements join a batch only while at least this many others are under way in the process; below it
   * each runs in a transaction of its own at once, as PostgreSQL's `commit_siblings` gates its commit delay:
   * batching serialises its members on one connection, which costs more than it saves at low concurrency
   * (docs/PERFORMANCE.md).
   */
  siblings: number;
}

/** What a member sees of its batch. */
export interface Batch<P> {
  /** The payer's person, locked at the start of the batch; undefined if not found through the payer. */
  readonly person: P | undefined;
  /** The member's idempotency key, claimed at the start of the batch (`idempotent`'s `claimed`). */
  readonly claim: KeyClaim;
  /** Shared ledger accounts' deltas of this member, written once for the whole batch before its commit. */
  shared(deltas: Iterable<readonly [accountId: string, delta: number]>): void;
  /**
   * Runs `fn` once the batch has committed, if it does: what a member read in the batch may have been
   * written by an earlier member, and stands only then (e.g. an account's id made on first use, to cache).
   */
  afterCommit(fn: () => void): void;
}

/**
 * Thrown by a member refused after writing what it cannot undo (its own write failed, or was refused by the
 * ledger's backstop), or by any statement error (the transaction is aborted then): the batch rolls back and
 * every member settles alone, where the refusal rolls back only its own transaction.
 */
export class MustRollBack extends Error {
  constructor(readonly refusal: unknown) {
    super('the group commit must roll back');
  }
}

/** Thrown by a member that would have to wait for a lock out of the batch's order: settle it alone. */
export class RunAlone extends Error {
  constructor() {
    super('this settlement must run in a transaction of its own');
  }
}

interface Member<P> {
  claim: { scope: string; key: string };
  /** The claim as one string, for the process's in-flight keys. */
  flight: string;
  payer: PersonOf;
  run(tx: Queryable, batch: Batch<P>): Promise<unknown>;
  resolve(value: unknown): void;
  reject(err: unknown): void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/** An error PostgreSQL (or PGlite) reported for a statement: it carries a SQLSTATE and a severity. */
const isStatementError = (err: unknown) => {
  const e = err as { code?: unknown; severity?: unknown };
  return typeof e?.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code) && typeof e.severity === 'string';
};
const payerKey = (p: PersonOf) => `${p.of}:${p.id.toLowerCase()}`;

export class GroupCommit<P> {
  private queue: Member<P>[] = [];
  private running = 0;
  private timer: NodeJS.Timeout | NodeJS.Immediate | null = null;
  private readonly inFlight = new Set<string>();
  /** Batches committed or failed, members run, the largest batch, settlements run alone: tests, benchmark. */
  readonly stats = { batches: 0, members: 0, largest: 0, alone: 0 };

  constructor(
    private readonly db: Db,
    private readonly opts: GroupCommitOptions,
    /** The person's columns each member gets (`Batch.person`). */
    private readonly personColumns: string,
  ) {}

  /**
   * Runs `fn` as a member of the next batch and resolves with its value once the batch has committed; or,
   * while fewer than `siblings` other settlements are under way, runs `alone` (a transaction of its own)
   * at once. `claim` is the request's idempotency scope and key; `payer` where its person is found.
   */
  run<T>(
    claim: { scope: string; key: string },
    payer: PersonOf,
    fn: (tx: Queryable, batch: Batch<P>) => Promise<T>,
    alone: () => Promise<T>,
  ): Promise<T> {
    const flight = `${claim.scope}\u0000${claim.key}`;
    if (this.inFlight.has(flight)) {
      return Promise.reject(
        conflict(
          'idempotency_key_in_use',
          'A request with this Idempotency-Key is still being processed; retry shortly',
        ),
      );
    }
    this.inFlight.add(flight);
    if (this.inFlight.size - 1 < this.opts.siblings) {
      this.stats.alone++;
      return alone().finally(() => this.inFlight.delete(flight));
    }
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ claim, flight, payer, run: fn, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length >= this.opts.maxBatch) this.flush();
      else if (!this.timer) {
        const cut = () => {
          this.timer = null;
          this.flush();
        };
        this.timer = this.opts.windowMs > 0 ? setTimeout(cut, this.opts.windowMs) : setImmediate(cut);
      }
    });
  }

  /** Starts batches from the queue while fewer than `transactions` run. */
  private flush(): void {
    if (this.timer) {
      clearTimeout(this.timer as NodeJS.Timeout);
      clearImmediate(this.timer as NodeJS.Immediate);
      this.timer = null;
    }
    while (this.queue.length && this.running < this.opts.transactions) {
      void this.runBatch(this.queue.splice(0, this.opts.maxBatch));
    }
  }

  private async runBatch(members: Member<P>[]): Promise<void> {
    this.running++;
    this.stats.batches++;
    this.stats.members += members.length;
    this.stats.largest = Math.max(this.stats.largest, members.length);
    const outcomes = new Map<Member<P>, Outcome>();
    let failure: { error: unknown } | null = null;
    let personsLocked = false;
    const committed: Array<() => void> = [];
    try {
      await this.db.transaction(
        async (tx) => {
          const claims = await claimKeys(
            tx,
            members.map((m) => m.claim),
          );
          const locked = new Map<string, P>();
          for (const { payer_of, payer_id, ...person } of await lockPersonsOf<P>(
            tx,
            members.map((m) => m.payer),
            this.personColumns,
          )) {
            locked.set(payerKey({ of: payer_of, id: payer_id }), person as P);
          }
          personsLocked = true;
          const deltas = new Map<string, number>();
          const lone = members.length === 1;
          for (const [i, m] of members.entries()) {
            const mine: Array<readonly [string, number]> = [];
            const batch: Batch<P> = {
              person: locked.get(payerKey(m.payer)),
              claim: claims[i]!,
              shared: (d) => void mine.push(...d),
              afterCommit: (fn) => void committed.push(fn),
            };
            try {
              outcomes.set(m, { ok: true, value: await m.run(tx, batch) });
              for (const [id, d] of mine) deltas.set(id, (deltas.get(id) ?? 0) + d);
            } catch (error) {
              // A lone member's refusal rolls its transaction back, as outside a batch.
              if (lone) throw error instanceof MustRollBack ? error.refusal : error;
              // A refusal decided before the member's write, which gave back what it wrote (its token):
              // the batch goes on without it.
              if (error instanceof AppError || error instanceof RunAlone) {
                outcomes.set(m, { ok: false, error });
                continue;
              }
              // A statement's error aborted the transaction (a backend's error, or the member's write
              // refused): every member settles alone. Another error (the connection lost) fails them all.
              throw error instanceof MustRollBack || isStatementError(error)
                ? new MustRollBack(error)
                : error;
            }
          }
          const shards = balanceShardsWrite(deltas);
          if (shards) await tx.query(shards.sql, shards.params);
        },
        { genericPlans: true },
      );
    } catch (error) {
      // Chosen as a deadlock's victim while locking the persons (a lone transaction locking a person and then
      // a relative can cross the batch's order): nothing ran, so each member settles on its own instead.
      failure = {
        error:
          (!personsLocked && isDeadlock(error)) || error instanceof MustRollBack ? new RunAlone() : error,
      };
    } finally {
      this.running--;
      for (const m of members) this.inFlight.delete(m.flight);
      if (this.queue.length) this.flush();
    }
    if (!failure) for (const fn of committed) fn();
    for (const m of members) {
      const o = outcomes.get(m);
      // When the batch is rerun alone, every member is: a refusal decided in it may not stand once others
      // before it are rolled back (a second use of the same code).
      if (failure?.error instanceof RunAlone) m.reject(failure.error);
      else if (o && !o.ok) m.reject(o.error);
      else if (failure) m.reject(failure.error);
      else m.resolve(o!.value);
    }
  }
}

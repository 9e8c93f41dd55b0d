import { randomUUID } from 'node:crypto';
import type { Queryable } from '../platform/db.ts';
import { isUniqueViolation, type Statement } from '../platform/db.ts';
import { conflict, notFound, unprocessable } from '../platform/errors.ts';
import { assertRegion } from '../people/store.ts';
import { DEMO_POLICY, policyProblems, type PolicyRules } from './policy.ts';
import { assertPublishable } from '../platform/rules-check.ts';
import { businessDate } from '../platform/business-date.ts';

export interface PolicyVersion {
  id: string;
  regionCode: string;
  version: string;
  effectiveFrom: string;
  rules: PolicyRules;
  publishedAt: string;
  used: boolean;
}

interface Row {
  id: string;
  region_code: string;
  version: string;
  effective_from: string;
  rules: PolicyRules;
  published_at: Date;
  first_used_at: Date | null;
}

const toVersion = (r: Row): PolicyVersion => ({
  id: r.id,
  regionCode: r.region_code,
  version: r.version,
  effectiveFrom: r.effective_from,
  rules: r.rules,
  publishedAt: r.published_at.toISOString(),
  used: r.first_used_at !== null,
});

const COLUMNS = 'id, region_code, version, effective_from, rules, published_at, first_used_at';

/**
 * Publishes a policy version for a region. The rules are validated (every problem is listed in the
 * 422), must name the same region, and may not take effect before today: a past date would change the
 * rules under settlements already made.
 */
export async function publishPolicy(
  q: Queryable,
  input: { regionCode: string; effectiveFrom: string; rules: unknown; publishedBy: string | null },
  now: Date,
): Promise<PolicyVersion> {
  assertPublishable({
    code: 'invalid_policy',
    what: 'policy rules',
    problems: policyProblems(input.rules),
    rules: input.rules,
    regionCode: input.regionCode,
    effectiveFrom: input.effectiveFrom,
    now,
  });
  const rules = input.rules as PolicyRules;
  await assertRegion(q, input.regionCode);
  const id = randomUUID();
  try {
    await q.query(
      `insert into policy_versions (id, region_code, version, effective_from, rules, published_by, published_at)
       values ($1, $2, $3, $4, $5, $6, $7)`,
      [
        id,
        input.regionCode,
        rules.version,
        input.effectiveFrom,
        JSON.stringify(rules),
        input.publishedBy,
        now,
      ],
    );
  } catch (err) {
    if (isUniqueViolation(err)) {
      throw conflict(
        'policy_version_exists',
        'This region already has a version with this name or effective date',
      );
    }
    throw err;
  }
  return getPolicyVersion(q, id);
}

export async function getPolicyVersion(q: Queryable, id: string): Promise<PolicyVersion> {
  const { rows } = await q.query<Row>(`select ${COLUMNS} from policy_versions where id = $1`, [id]);
  if (!rows[0]) throw notFound('policy_not_found', 'No such policy version');
  return toVersion(rows[0]);
}

export async function listPolicyVersions(q: Queryable, regionCode: string): Promise<PolicyVersion[]> {
  const { rows } = await q.query<Row>(
    `select ${COLUMNS} from policy_versions where region_code = $1 order by effective_from`,
    [regionCode],
  );
  return rows.map(toVersion);
}

/** The version in force in `regionCode` on `date` (YYYY-MM-DD): the latest one effective on or before it. */
export async function policyInForce(q: Queryable, regionCode: string, date: string): Promise<PolicyVersion> {
  const read = policyInForceRead(regionCode, date);
  const { rows } = await q.query<Row>(read.sql, read.params);
  if (!rows[0]) throw unprocessable('no_policy', `Region ${regionCode} has no policy in force on ${date}`);
  return toVersion(rows[0]);
}

/** The read of `policyInForce` as a statement, for the settlement to combine with its other reads. */
export function policyInForceRead(regionCode: string, date: string): Statement {
  return {
    sql: `select ${COLUMNS} from policy_versions where region_code = $1::text and effective_from <= $2::date
      order by effective_from desc limit 1`,
    params: [regionCode, date],
  };
}

/** Marks a version used, as a statement of the settlement's combined write (the first use freezes it). */
export function markPolicyUsed(id: string, now: Date): Statement {
  return {
    sql: 'update policy_versions set first_used_at = $2 where id = $1 and first_used_at is null',
    params: [id, now],
  };
}

/** Withdraws a version that has neither taken effect nor been used. */
export async function withdrawPolicy(q: Queryable, id: string, now: Date): Promise<void> {
  const v = await getPolicyVersion(q, id);
  if (v.used || v.effectiveFrom <= businessDate(now)) {
    throw conflict('policy_in_force', 'Only a version that has not yet taken effect can be withdrawn');
  }
  await q.query('delete from policy_versions where id = $1 and first_used_at is null', [id]);
}

/** Installs the default policy of DOMAIN.md for the `demo` region, effective from 2020-01-01 (idempotent). */
export async function installDemoPolicy(q: Queryable, now: Date): Promise<void> {
  await q.query(
    `insert into policy_versions (id, region_code, version, effective_from, rules, published_at)
     values ($1, 'demo', $2, '2020-01-01', $3, $4) on conflict do nothing`,
    [randomUUID(), DEMO_POLICY.version, JSON.stringify(DEMO_POLICY), now],
  );
}

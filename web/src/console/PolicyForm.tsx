import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { Field, Form, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { todayInBeijing } from '../shared/dates.ts';
import { POLICY_FIELDS, draftOf, problemField, rulesOf, type PolicyDraft } from './format.ts';
import type { PolicyRules, PolicyVersion } from './types.ts';

/** The next day after `date` (YYYY-MM-DD). */
const nextDay = (date: string) =>
  new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

/**
 * Publish a new version, seeded from the one in force, in the units people read (%, yuan). Every problem
 * the server lists is shown beside the field it names; the rest above the form.
 */
export function PolicyForm({
  region,
  base,
  onPublished,
}: {
  region: string;
  base: PolicyRules;
  onPublished: (v: PolicyVersion) => void;
}) {
  const { t } = useTranslation('console');
  const [draft, setDraft] = useState<PolicyDraft>(() => ({
    ...draftOf(base),
    version: `${base.version}-next`,
  }));
  const [effectiveFrom, setEffectiveFrom] = useState(() => nextDay(todayInBeijing()));
  const [problems, setProblems] = useState<string[]>([]);
  const submission = useSubmit(
    async () => {
      setProblems([]);
      try {
        const v = await api<PolicyVersion>('console', '/v1/admin/policies', {
          body: { regionCode: region, effectiveFrom, rules: rulesOf(base, region, draft) },
        });
        onPublished(v);
      } catch (err) {
        const listed = err instanceof ApiError ? err.details.problems : undefined;
        if (Array.isArray(listed) && listed.length > 0) {
          setProblems(listed.map(String));
          return;
        }
        throw err;
      }
    },
    ['effectiveFrom', 'version'],
    { policy_version_exists: 'version', effective_date_in_past: 'effectiveFrom' },
  );
  const byField = new Map<string, string[]>();
  const general: string[] = [];
  for (const p of problems) {
    const f = problemField(p);
    if (f) byField.set(f, [...(byField.get(f) ?? []), p]);
    else general.push(p);
  }
  const problemOf = (path: string) => byField.get(path)?.join('; ');
  return (
    <Form submission={submission} label={t('policy.publish')}>
      {problems.length > 0 && (
        <div className="banner error" role="alert">
          <p>{t('policy.problems', { count: problems.length })}</p>
          {general.length > 0 && (
            <ul>
              {general.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          )}
        </div>
      )}
      <div className="grid">
        <Field
          label={t('policy.effectiveFrom')}
          type="date"
          value={effectiveFrom}
          onChange={(e) => setEffectiveFrom(e.target.value)}
          error={submission.fieldError('effectiveFrom')}
        />
        {POLICY_FIELDS.map((f) => (
          <Field
            key={f.path}
            label={`${t(`policy.f.${f.path.replace(/\./g, '_')}`)}${f.unit === 'text' ? '' : ` (${t(`policy.units.${f.unit}`)})`}`}
            name={f.path}
            inputMode={f.unit === 'text' ? undefined : 'decimal'}
            value={draft[f.path]}
            onChange={(e) => setDraft({ ...draft, [f.path]: e.target.value })}
            error={problemOf(f.path) ?? (f.path === 'version' ? submission.fieldError('version') : undefined)}
          />
        ))}
      </div>
      <SubmitButton busy={submission.busy}>{t('policy.publishButton')}</SubmitButton>
    </Form>
  );
}

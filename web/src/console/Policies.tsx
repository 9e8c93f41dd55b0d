import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { ErrorBanner, Field, LoadState, Notice, useLoad } from '../shared/ui.tsx';
import { Badge, ConfirmButton, Section } from './components.tsx';
import { todayInBeijing } from '../shared/dates.ts';
import { formatInstant } from './format.ts';
import { PolicyForm } from './PolicyForm.tsx';
import { PolicyRulesView } from './PolicyRulesView.tsx';
import type { Me, PolicyVersion } from './types.ts';

/** Policy versions of a region: the one in force, each version's rules, publishing and withdrawing (admin). */
export function Policies({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const admin = me.role === 'admin';
  const [regionInput, setRegionInput] = useState(me.regionCode ?? 'demo');
  const region = admin ? regionInput.trim() : (me.regionCode ?? '');
  const [viewing, setViewing] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const data = useLoad(async () => {
    if (region.length < 2) return { versions: [] as PolicyVersion[], inForce: null };
    const [list, inForce] = await Promise.all([
      api<{ versions: PolicyVersion[] }>('console', '/v1/policies', { query: { regionCode: region } }),
      api<PolicyVersion>('console', '/v1/policies/in-force', { query: { regionCode: region } }).catch(
        () => null,
      ),
    ]);
    return { versions: list.versions, inForce };
  }, [region]);
  const withdraw = async (v: PolicyVersion) => {
    setError(null);
    try {
      await api('console', `/v1/admin/policies/${v.id}`, { method: 'DELETE' });
      setNotice(t('policy.withdrawnNotice', { version: v.version }));
      data.reload();
    } catch (err) {
      setError(err);
    }
  };
  const today = todayInBeijing();
  return (
    <section aria-labelledby="policy-title">
      <h2 id="policy-title">{t('policy.title')}</h2>
      {admin && (
        <div className="row">
          <Field
            label={t('common.regionCode')}
            value={regionInput}
            onChange={(e) => setRegionInput(e.target.value)}
          />
        </div>
      )}
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner error={error} />
      <LoadState loaded={data}>
        {({ versions, inForce }) => {
          const shown = versions.find((v) => v.id === viewing) ?? inForce;
          return (
            <>
              <Section title={t('policy.versions', { region })}>
                {versions.length === 0 ? (
                  <p className="muted">{t('policy.none')}</p>
                ) : (
                  <table>
                    <thead>
                      <tr>
                        <th>{t('policy.version')}</th>
                        <th>{t('policy.effectiveFrom')}</th>
                        <th>{t('policy.publishedAt')}</th>
                        <th>{t('common.status')}</th>
                        <th>{t('common.actions')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {versions.map((v) => (
                        <tr key={v.id}>
                          <td>{v.version}</td>
                          <td>{v.effectiveFrom}</td>
                          <td>{formatInstant(v.publishedAt)}</td>
                          <td>
                            {v.id === inForce?.id ? (
                              <Badge>{t('policy.inForce')}</Badge>
                            ) : v.effectiveFrom > today ? (
                              <Badge tone="warn">{t('policy.future')}</Badge>
                            ) : (
                              <Badge tone="bad">{t('policy.superseded')}</Badge>
                            )}
                            {v.used && <span className="muted"> · {t('policy.used')}</span>}
                          </td>
                          <td>
                            <div className="row actions">
                              <button
                                type="button"
                                onClick={() => setViewing(v.id)}
                                aria-pressed={shown?.id === v.id}
                              >
                                {t('policy.view', { version: v.version })}
                              </button>
                              {admin && !v.used && v.effectiveFrom > today && (
                                <ConfirmButton
                                  label={t('policy.withdraw')}
                                  question={t('policy.withdrawQuestion', { version: v.version })}
                                  onConfirm={() => void withdraw(v)}
                                />
                              )}
                            </div>
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </Section>
              {shown && (
                <Section title={t('policy.rulesOf', { version: shown.version, date: shown.effectiveFrom })}>
                  <PolicyRulesView rules={shown.rules} />
                </Section>
              )}
              {admin && inForce && (
                <Section title={t('policy.publish')}>
                  <PolicyForm
                    key={inForce.id}
                    region={region}
                    base={inForce.rules}
                    onPublished={(v) => {
                      setNotice(t('policy.publishedNotice', { version: v.version, date: v.effectiveFrom }));
                      setViewing(v.id);
                      data.reload();
                    }}
                  />
                </Section>
              )}
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

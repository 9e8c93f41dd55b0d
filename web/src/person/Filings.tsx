import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { call } from './client.ts';
import type { Filing, FilingRegion } from './types.ts';

const KINDS = ['resident_elsewhere', 'temporary_work', 'referral'] as const;

/**
 * 异地就医备案: the person files for treatment in another region of the federation (kind, region, valid
 * period), sees their filings and withdraws one. The insured region decides (docs/REGIONS.md "Filing").
 */
export function Filings() {
  const { t } = useTranslation('person');
  const list = useLoad(() => call<{ filings: Filing[] }>('/v1/me/filings'));
  const regions = useLoad(() => call<{ regions: FilingRegion[] }>('/v1/me/filing-regions'));
  return (
    <div className="filings">
      <h2>{t('filings.title')}</h2>
      <p className="muted">{t('filings.intro')}</p>
      <LoadState loaded={regions}>
        {({ regions: rs }) => <FilingForm regions={rs} onFiled={list.reload} />}
      </LoadState>
      <section className="card" aria-labelledby="filings-list-title">
        <h3 id="filings-list-title">{t('filings.mine')}</h3>
        <LoadState loaded={list}>
          {({ filings }) =>
            filings.length === 0 ? (
              <p className="muted">{t('filings.none')}</p>
            ) : (
              <ul className="plain list">
                {filings.map((f) => (
                  <FilingItem
                    key={f.id}
                    filing={f}
                    regionName={regions.data?.regions.find((r) => r.code === f.targetRegion)?.name}
                    onChange={list.reload}
                  />
                ))}
              </ul>
            )
          }
        </LoadState>
      </section>
    </div>
  );
}

function FilingForm({ regions, onFiled }: { regions: FilingRegion[]; onFiled: () => void }) {
  const { t } = useTranslation('person');
  const [kind, setKind] = useState<(typeof KINDS)[number]>('resident_elsewhere');
  const [targetRegion, setTargetRegion] = useState(regions[0]?.code ?? '');
  const [validFrom, setValidFrom] = useState('');
  const [validTo, setValidTo] = useState('');
  const [reason, setReason] = useState('');
  const [filed, setFiled] = useState<Filing | null>(null);
  const submission = useSubmit(
    async () => {
      const f = await call<Filing>('/v1/me/filings', {
        body: { kind, targetRegion, validFrom, validTo, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      });
      setFiled(f);
      onFiled();
    },
    ['kind', 'targetRegion', 'validFrom', 'validTo', 'reason'],
    {
      filing_period_invalid: 'validTo',
      filing_same_region: 'targetRegion',
      region_not_found: 'targetRegion',
    },
  );
  if (!regions.length)
    return (
      <section className="card">
        <p className="muted">{t('filings.noRegions')}</p>
      </section>
    );
  return (
    <section className="card" aria-labelledby="filing-form-title">
      <h3 id="filing-form-title">{t('filings.new')}</h3>
      {filed && (
        <div className="banner" role="status">
          {t(`filings.filed.${filed.status === 'approved' ? 'approved' : 'pending'}`)}
        </div>
      )}
      <Form submission={submission} label={t('filings.new')}>
        <Select
          label={t('filings.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as (typeof KINDS)[number])}
          options={KINDS.map((k) => ({ value: k, label: t(`filings.kinds.${k}`) }))}
          error={submission.fieldError('kind')}
        />
        <p className="muted">{t(`filings.kindHints.${kind}`)}</p>
        <Select
          label={t('filings.region')}
          value={targetRegion}
          onChange={(e) => setTargetRegion(e.target.value)}
          options={regions.map((r) => ({ value: r.code, label: `${r.name} (${r.code})` }))}
          error={submission.fieldError('targetRegion')}
        />
        <Field
          label={t('filings.validFrom')}
          type="date"
          required
          value={validFrom}
          onChange={(e) => setValidFrom(e.target.value)}
          error={submission.fieldError('validFrom')}
        />
        <Field
          label={t('filings.validTo')}
          type="date"
          required
          value={validTo}
          onChange={(e) => setValidTo(e.target.value)}
          error={submission.fieldError('validTo')}
        />
        <Field
          label={t('filings.reason')}
          value={reason}
          maxLength={200}
          onChange={(e) => setReason(e.target.value)}
          error={submission.fieldError('reason')}
        />
        <SubmitButton busy={submission.busy}>{t('filings.submit')}</SubmitButton>
      </Form>
    </section>
  );
}

function FilingItem({
  filing: f,
  regionName,
  onChange,
}: {
  filing: Filing;
  regionName: string | undefined;
  onChange: () => void;
}) {
  const { t } = useTranslation('person');
  const withdraw = useSubmit(async () => {
    await call(`/v1/me/filings/${f.id}/withdraw`, { method: 'POST' });
    onChange();
  });
  const open = f.status === 'pending' || f.status === 'approved';
  return (
    <li data-filing={f.id}>
      <div className="spread">
        <strong>
          {t(`filings.kinds.${f.kind}`)} · {regionName ?? f.targetRegion}
        </strong>
        <span className={`badge${f.status === 'approved' ? '' : f.status === 'pending' ? ' warn' : ' bad'}`}>
          {t(`filings.statuses.${f.status}`)}
        </span>
      </div>
      <div className="muted">{t('filings.valid', { from: f.validFrom, to: f.validTo })}</div>
      {f.decisionNote && <div className="muted">{t('filings.note', { note: f.decisionNote })}</div>}
      <ErrorBanner error={withdraw.error} />
      {open && (
        <button type="button" disabled={withdraw.busy} onClick={() => void withdraw.submit()}>
          {t('filings.withdraw')}
        </button>
      )}
    </li>
  );
}

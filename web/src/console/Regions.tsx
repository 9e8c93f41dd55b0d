import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { todayInBeijing } from '../shared/dates.ts';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Money,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { ClearingOutcome, RegionFiling, RegionReconciliation } from './types.ts';

const FILING_STATUSES = ['pending', 'approved', 'rejected', 'withdrawn'] as const;

/** 异地就医备案 of the region's people: the queue (referrals wait for staff) and the decision. */
export function FilingQueue() {
  const { t } = useTranslation('console');
  const [status, setStatus] = useState<(typeof FILING_STATUSES)[number]>('pending');
  const list = useLoad(
    () => api<{ filings: RegionFiling[] }>('console', '/v1/staff/filings', { query: { status } }),
    [status],
  );
  return (
    <section aria-labelledby="filings-title">
      <h2 id="filings-title">{t('filings.title')}</h2>
      <p className="muted">{t('filings.intro')}</p>
      <Select
        label={t('common.status')}
        value={status}
        onChange={(e) => setStatus(e.target.value as (typeof FILING_STATUSES)[number])}
        options={FILING_STATUSES.map((s) => ({ value: s, label: t(`filings.statuses.${s}`) }))}
      />
      <LoadState loaded={list}>
        {({ filings }) =>
          filings.length === 0 ? (
            <p className="muted">{t('filings.none')}</p>
          ) : (
            <table aria-label={t('filings.title')}>
              <thead>
                <tr>
                  <th>{t('filings.person')}</th>
                  <th>{t('filings.kind')}</th>
                  <th>{t('filings.region')}</th>
                  <th>{t('filings.valid')}</th>
                  <th>{t('common.reason')}</th>
                  <th>{t('filings.filedAt')}</th>
                  <th>{t('common.status')}</th>
                  <th>{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {filings.map((f) => (
                  <FilingRow key={f.id} filing={f} onDecided={list.reload} />
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </section>
  );
}

function FilingRow({ filing: f, onDecided }: { filing: RegionFiling; onDecided: () => void }) {
  const { t } = useTranslation('console');
  const [note, setNote] = useState('');
  const decideWith = (approve: boolean) => async () => {
    await api('console', `/v1/staff/filings/${f.id}/decision`, {
      body: { approve, ...(note.trim() ? { note: note.trim() } : {}) },
    });
    onDecided();
  };
  const approve = useSubmit(decideWith(true));
  const reject = useSubmit(decideWith(false));
  const busy = approve.busy || reject.busy;
  return (
    <tr data-filing={f.id}>
      <td>
        <code>{f.personId.slice(0, 8)}</code>
      </td>
      <td>{t(`filings.kinds.${f.kind}`)}</td>
      <td>{f.targetRegion}</td>
      <td>
        {f.validFrom} – {f.validTo}
      </td>
      <td>{f.reason || '—'}</td>
      <td>{formatInstant(f.createdAt)}</td>
      <td>
        <Badge tone={f.status === 'approved' ? 'ok' : f.status === 'pending' ? 'warn' : 'bad'}>
          {t(`filings.statuses.${f.status}`)}
        </Badge>
        {f.decisionNote && <div className="muted">{f.decisionNote}</div>}
      </td>
      <td>
        {f.status === 'pending' ? (
          <div className="row">
            <Field
              label={t('filings.note')}
              value={note}
              maxLength={200}
              onChange={(e) => setNote(e.target.value)}
            />
            <button type="button" className="primary" disabled={busy} onClick={() => void approve.submit()}>
              {t('filings.approve')}
            </button>{' '}
            <button type="button" className="danger" disabled={busy} onClick={() => void reject.submit()}>
              {t('filings.reject')}
            </button>
            <ErrorBanner error={approve.error ?? reject.error} />
          </div>
        ) : (
          '—'
        )}
      </td>
    </tr>
  );
}

const lastMonth = () => {
  const [y, m] = todayInBeijing().split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, '0')}`;
};

/** The federation's admin runs: the monthly clearing with the other regions, the daily reconciliation. */
export function RegionRuns() {
  const { t } = useTranslation('console');
  return (
    <section aria-labelledby="regions-title">
      <h2 id="regions-title">{t('regions.title')}</h2>
      <p className="muted">{t('regions.intro')}</p>
      <Clearing />
      <InterRegionReconciliation />
    </section>
  );
}

function Clearing() {
  const { t } = useTranslation('console');
  const [month, setMonth] = useState(lastMonth());
  const [out, setOut] = useState<ClearingOutcome | null>(null);
  const run = useSubmit(async () => {
    setOut(await api<ClearingOutcome>('console', '/v1/admin/regions/clearing', { body: { month } }));
  }, ['month']);
  return (
    <Section title={t('regions.clearing')}>
      <Form submission={run} label={t('regions.clearing')}>
        <div className="row">
          <Field
            label={t('regions.month')}
            type="month"
            value={month}
            onChange={(e) => setMonth(e.target.value)}
            error={run.fieldError('month')}
          />
          <SubmitButton busy={run.busy}>{t('regions.runClearing')}</SubmitButton>
        </div>
      </Form>
      {out &&
        (out.statements.length === 0 ? (
          <p className="muted">{t('regions.noStatements')}</p>
        ) : (
          <table aria-label={t('regions.clearing')}>
            <thead>
              <tr>
                <th>{t('regions.insuredRegion')}</th>
                <th>{t('regions.treatmentRegion')}</th>
                <th className="num">{t('regions.insuredAmount')}</th>
                <th className="num">{t('regions.treatmentAmount')}</th>
                <th className="num">{t('regions.settlements')}</th>
                <th>{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {out.statements.map((s) => (
                <tr key={`${s.insuredRegion}-${s.treatmentRegion}`}>
                  <td>{s.insuredRegion}</td>
                  <td>{s.treatmentRegion}</td>
                  <td className="num">{s.insuredAmount === null ? '—' : <Money fen={s.insuredAmount} />}</td>
                  <td className="num">
                    {s.treatmentAmount === null ? '—' : <Money fen={s.treatmentAmount} />}
                  </td>
                  <td className="num">
                    {s.insuredSettlements ?? '—'} / {s.treatmentSettlements ?? '—'}
                  </td>
                  <td>
                    <Badge
                      tone={
                        s.status === 'confirmed' || s.status === 'agreed'
                          ? 'ok'
                          : s.status === 'mismatch'
                            ? 'bad'
                            : 'warn'
                      }
                    >
                      {t(`regions.statuses.${s.status}`)}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
      {out && out.posted.length > 0 && (
        <ul className="plain">
          {out.posted.map((p) => (
            <li key={`${p.counterparty}-${p.role}`}>
              {t(`regions.posted.${p.role}`, { region: p.counterparty })} <Money fen={p.amount} />
            </li>
          ))}
        </ul>
      )}
    </Section>
  );
}

function InterRegionReconciliation() {
  const { t } = useTranslation('console');
  const [date, setDate] = useState(todayInBeijing());
  const [out, setOut] = useState<RegionReconciliation[] | null>(null);
  const run = useSubmit(async () => {
    const r = await api<{ reconciliations: RegionReconciliation[] }>(
      'console',
      '/v1/admin/regions/reconciliation',
      {
        body: { date },
      },
    );
    setOut(r.reconciliations);
  }, ['date']);
  return (
    <Section title={t('regions.reconciliation')}>
      <Form submission={run} label={t('regions.reconciliation')}>
        <div className="row">
          <Field
            label={t('regions.date')}
            type="date"
            value={date}
            onChange={(e) => setDate(e.target.value)}
            error={run.fieldError('date')}
          />
          <SubmitButton busy={run.busy}>{t('regions.runReconciliation')}</SubmitButton>
        </div>
      </Form>
      {out &&
        (out.length === 0 ? (
          <p className="muted">{t('regions.noCrossings')}</p>
        ) : (
          <table aria-label={t('regions.reconciliation')}>
            <thead>
              <tr>
                <th>{t('regions.insuredRegion')}</th>
                <th className="num">{t('regions.settlements')}</th>
                <th>{t('regions.onlyTreatment')}</th>
                <th>{t('regions.onlyInsured')}</th>
                <th>{t('regions.different')}</th>
                <th>{t('common.status')}</th>
              </tr>
            </thead>
            <tbody>
              {out.map((r) => (
                <tr key={r.insuredRegion}>
                  <td>{r.insuredRegion}</td>
                  <td className="num">{r.settlements}</td>
                  <td>{r.onlyTreatment.map((id) => id.slice(0, 8)).join(', ') || '—'}</td>
                  <td>{r.onlyInsured.map((id) => id.slice(0, 8)).join(', ') || '—'}</td>
                  <td>{r.different.map((id) => id.slice(0, 8)).join(', ') || '—'}</td>
                  <td>
                    <Badge tone={r.balanced ? 'ok' : 'bad'}>
                      {t(r.balanced ? 'regions.balanced' : 'regions.unbalanced')}
                    </Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        ))}
    </Section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { todayInBeijing } from '../shared/dates.ts';
import { parseYuan } from '../shared/money.ts';
import {
  Field,
  Form,
  LoadState,
  Money,
  Notice,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import { CLAIM_OUTCOMES, type ClaimOutcome, type FlaggedClaim, type Me } from './types.ts';

type Sample = 'all' | 'percent' | 'minFund';

/** The agency's review of a day's settled claims: run the rules, list a sample of the flagged, decide each. */
export function ClaimsReview({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const admin = me.role === 'admin';
  const [regionInput, setRegionInput] = useState(me.regionCode ?? 'demo');
  const region = admin ? regionInput.trim() : undefined;
  const [date, setDate] = useState(todayInBeijing());
  const [sample, setSample] = useState<Sample>('all');
  const [percent, setPercent] = useState('20');
  const [minFund, setMinFund] = useState('100');
  const [notice, setNotice] = useState<string | null>(null);
  const [sampleError, setSampleError] = useState<string | null>(null);
  const [shown, setShown] = useState<{
    date: string;
    percent?: number;
    minFund?: number;
    run: number;
  } | null>(null);
  // Each showing (and each run) reloads the list, even for the same day and sample.
  const showing = (sampleOf: { date: string; percent?: number; minFund?: number }) =>
    setShown((prev) => ({ ...sampleOf, run: (prev?.run ?? 0) + 1 }));
  const show = () => {
    setSampleError(null);
    if (sample === 'percent') {
      const p = Number(percent);
      if (!Number.isInteger(p) || p < 1 || p > 100) return setSampleError('percent');
      showing({ date, percent: p });
    } else if (sample === 'minFund') {
      const fen = parseYuan(minFund);
      if (fen === null) return setSampleError('minFund');
      showing({ date, minFund: fen });
    } else showing({ date });
  };
  const run = useSubmit(async () => {
    setNotice(null);
    const r = await api<{ settlements: number; flags: number }>('console', '/v1/staff/claims/review-runs', {
      body: { date },
      query: { region },
    });
    setNotice(t('claims.ran', { date, settlements: r.settlements, flags: r.flags }));
    show();
  }, ['date']);
  return (
    <section aria-labelledby="claims-title">
      <h2 id="claims-title">{t('claims.title')}</h2>
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
      <Section title={t('claims.day')}>
        <Form submission={run} label={t('claims.day')}>
          <div className="row">
            <Field
              label={t('claims.date')}
              name="date"
              type="date"
              value={date}
              onChange={(e) => setDate(e.target.value)}
              error={run.fieldError('date')}
            />
            <SubmitButton busy={run.busy}>{t('claims.run')}</SubmitButton>
          </div>
        </Form>
        <form
          className="row"
          aria-label={t('claims.sampleForm')}
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            show();
          }}
        >
          <Select
            label={t('claims.sample')}
            value={sample}
            onChange={(e) => setSample(e.target.value as Sample)}
            options={(['all', 'percent', 'minFund'] as const).map((s) => ({
              value: s,
              label: t(`claims.samples.${s}`),
            }))}
          />
          {sample === 'percent' && (
            <Field
              label={t('claims.percent')}
              inputMode="numeric"
              value={percent}
              onChange={(e) => setPercent(e.target.value)}
              error={sampleError === 'percent' ? t('claims.badPercent') : undefined}
            />
          )}
          {sample === 'minFund' && (
            <Field
              label={t('claims.minFund')}
              inputMode="decimal"
              value={minFund}
              onChange={(e) => setMinFund(e.target.value)}
              error={sampleError === 'minFund' ? t('claims.badAmount') : undefined}
            />
          )}
          <button type="submit">{t('claims.show')}</button>
        </form>
      </Section>
      {shown && (
        <Queue
          key={shown.run}
          region={region}
          date={shown.date}
          percent={shown.percent}
          minFund={shown.minFund}
        />
      )}
    </section>
  );
}

function Queue({
  region,
  date,
  percent,
  minFund,
}: {
  region: string | undefined;
  date: string;
  percent?: number;
  minFund?: number;
}) {
  const { t } = useTranslation('console');
  const list = useLoad(() =>
    api<{ claims: FlaggedClaim[] }>('console', '/v1/staff/claims', {
      query: { region, date, percent, minFund },
    }),
  );
  return (
    <Section title={t('claims.flagged', { date })}>
      <LoadState loaded={list}>
        {({ claims }) =>
          claims.length === 0 ? (
            <p className="muted">{t('claims.none')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('claims.institution')}</th>
                  <th>{t('claims.person')}</th>
                  <th className="num">{t('claims.total')}</th>
                  <th className="num">{t('claims.fund')}</th>
                  <th>{t('claims.flags')}</th>
                  <th>{t('claims.decision')}</th>
                </tr>
              </thead>
              <tbody>
                {claims.map((c) => (
                  <tr key={c.settlementId} data-settlement={c.settlementId}>
                    <td>
                      {c.institutionName}
                      <div className="muted">{c.institutionCode}</div>
                    </td>
                    <td>
                      {c.maskedName}
                      <div className="muted">{c.maskedIdNumber}</div>
                    </td>
                    <td className="num">
                      <Money fen={c.total} />
                    </td>
                    <td className="num">
                      <Money fen={c.fund} />
                    </td>
                    <td>
                      <ul className="plain">
                        {c.flags.map((f) => (
                          <li key={`${f.line}-${f.reason}`} data-reason={f.reason}>
                            {t('claims.lineFlag', { n: f.line + 1, text: f.text })}
                          </li>
                        ))}
                      </ul>
                    </td>
                    <td>
                      {c.review ? (
                        <>
                          <Badge tone={c.review.outcome === 'accepted' ? 'ok' : 'warn'}>
                            {t(`claims.outcomes.${c.review.outcome}`)}
                          </Badge>
                          {c.review.note && <div className="muted">{c.review.note}</div>}
                          <div className="muted">{formatInstant(c.review.reviewedAt)}</div>
                        </>
                      ) : (
                        <Decide claim={c} region={region} onDecided={list.reload} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
    </Section>
  );
}

function Decide({
  claim,
  region,
  onDecided,
}: {
  claim: FlaggedClaim;
  region: string | undefined;
  onDecided: () => void;
}) {
  const { t } = useTranslation('console');
  const [outcome, setOutcome] = useState<ClaimOutcome>('accepted');
  const [note, setNote] = useState('');
  const submission = useSubmit(async () => {
    await api('console', `/v1/staff/claims/${claim.settlementId}/decision`, {
      body: note.trim() ? { outcome, note: note.trim() } : { outcome },
      query: { region },
    });
    onDecided();
  }, ['outcome', 'note']);
  return (
    <Form submission={submission} label={t('claims.decisionFor', { name: claim.maskedName })}>
      <Select
        label={t('claims.outcome')}
        value={outcome}
        onChange={(e) => setOutcome(e.target.value as ClaimOutcome)}
        options={CLAIM_OUTCOMES.map((o) => ({ value: o, label: t(`claims.outcomes.${o}`) }))}
      />
      <Field
        label={t('claims.note')}
        name="note"
        value={note}
        maxLength={500}
        onChange={(e) => setNote(e.target.value)}
        error={submission.fieldError('note')}
      />
      <SubmitButton busy={submission.busy}>{t('claims.record')}</SubmitButton>
    </Form>
  );
}

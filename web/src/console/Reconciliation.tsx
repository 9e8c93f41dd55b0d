import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
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
import { RECONCILIATION_FIGURES } from '../shared/settlement.tsx';
import { ConfirmButton, Section } from './components.tsx';
import { todayInBeijing } from '../shared/dates.ts';
import { formatInstant } from './format.ts';
import type { Institution, Reconciliation as Day, ReconciliationFigures } from '../shared/types.ts';

/** An institution's daily reconciliation, and marking the day's total paid to it. */
export function Reconciliation() {
  const { t } = useTranslation('console');
  const institutions = useLoad(() =>
    api<{ institutions: Institution[] }>('console', '/v1/admin/institutions'),
  );
  const [institutionId, setInstitutionId] = useState('');
  const [date, setDate] = useState(todayInBeijing());
  const [day, setDay] = useState<Day | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const chosen = institutionId || institutions.data?.institutions[0]?.id || '';
  const show = useSubmit(async () => {
    setNotice(null);
    setDay(await api<Day>('console', `/v1/staff/institutions/${chosen}/reconciliation`, { query: { date } }));
  }, ['date', 'institution']);
  const pay = useSubmit(async () => {
    const r = await api<Day>('console', `/v1/staff/institutions/${chosen}/payments`, { body: { date } });
    setDay(r);
    setNotice(t('recon.paidNotice', { date: r.businessDate }));
  }, []);
  const name = institutions.data?.institutions.find((i) => i.id === chosen)?.name ?? '';
  return (
    <section aria-labelledby="recon-title">
      <h2 id="recon-title">{t('recon.title')}</h2>
      <LoadState loaded={institutions}>
        {({ institutions: list }) => (
          <Form submission={show} label={t('recon.title')}>
            <div className="row">
              <Select
                label={t('recon.institution')}
                value={chosen}
                onChange={(e) => {
                  setInstitutionId(e.target.value);
                  setDay(null);
                }}
                error={show.fieldError('institution')}
                options={list.map((i) => ({ value: i.id, label: `${i.name} (${i.code})` }))}
              />
              <Field
                label={t('recon.date')}
                type="date"
                value={date}
                onChange={(e) => {
                  setDate(e.target.value);
                  setDay(null);
                }}
                error={show.fieldError('date')}
              />
              <SubmitButton busy={show.busy}>{t('recon.show')}</SubmitButton>
            </div>
          </Form>
        )}
      </LoadState>
      {notice && <Notice>{notice}</Notice>}
      {day && (
        <Section title={t('recon.dayTitle', { name, date: day.businessDate })}>
          <table>
            <thead>
              <tr>
                <th />
                <th className="num">{t('recon.count')}</th>
                <th className="num">{t('persons.total')}</th>
                <th className="num">{t('persons.fund')}</th>
                <th className="num">{t('persons.accountPaid')}</th>
                <th className="num">{t('recon.relativePaid')}</th>
                <th className="num">{t('persons.cashPaid')}</th>
              </tr>
            </thead>
            <tbody>
              <SumsRow label={t('recon.settlements')} sums={day.settlements} />
              <SumsRow label={t('recon.refunds')} sums={day.refunds} />
            </tbody>
          </table>
          <p className="owed">
            {t('recon.owed')}: <Money fen={day.owedByAgency} />
          </p>
          {day.paid ? (
            <p>
              {t('recon.paidAt', { at: formatInstant(day.paid.paidAt) })} <Money fen={day.paid.amount} />
            </p>
          ) : (
            <>
              {pay.formError && (
                <p className="banner error" role="alert">
                  {pay.formError}
                </p>
              )}
              <ConfirmButton
                label={t('recon.markPaid')}
                question={t('recon.markPaidQuestion', { date: day.businessDate })}
                onConfirm={() => void pay.submit()}
                busy={pay.busy}
                tone="primary"
              />
            </>
          )}
        </Section>
      )}
    </section>
  );
}

function SumsRow({ label, sums }: { label: string; sums: ReconciliationFigures }) {
  return (
    <tr>
      <th scope="row">{label}</th>
      <td className="num">{sums.count}</td>
      {RECONCILIATION_FIGURES.map((c) => (
        <td key={c} className="num">
          <Money fen={sums[c]} />
        </td>
      ))}
    </tr>
  );
}

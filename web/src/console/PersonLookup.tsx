import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import {
  ErrorBanner,
  Field,
  Form,
  LoadState,
  Money,
  Notice,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, ConfirmButton, IdNumberSearch, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { Account, ContributionMonth, Ecard, Me, Person, Settlement } from './types.ts';

/** A person by ID number: their record, e-card (suspend, resume, revoke), account, contributions, settlements. */
export function PersonLookup({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const [person, setPerson] = useState<Person | null>(null);
  return (
    <section aria-labelledby="persons-title">
      <h2 id="persons-title">{t('persons.title')}</h2>
      <IdNumberSearch
        onSearch={async (idNumber) => {
          setPerson(await api<Person>('console', '/v1/staff/persons', { query: { idNumber } }));
        }}
      />
      {person && (
        <>
          <Section title={t('persons.record')}>
            <dl className="facts">
              <dt>{t('common.name')}</dt>
              <dd>{person.name}</dd>
              <dt>{t('common.idNumber')}</dt>
              <dd>{person.idNumber}</dd>
              <dt>{t('persons.birth')}</dt>
              <dd>
                {person.birthDate} · {t(`persons.genders.${person.gender}`)}
              </dd>
              <dt>{t('persons.insurance')}</dt>
              <dd>
                {t(`persons.types.${person.insuranceType}`)}
                {person.retired && ` · ${t('persons.retired')}`}
              </dd>
              <dt>{t('common.status')}</dt>
              <dd>{t(`persons.statuses.${person.status}`)}</dd>
              <dt>{t('persons.identity')}</dt>
              <dd>
                <Badge tone={person.identityStatus === 'verified' ? 'ok' : 'warn'}>
                  {t(`persons.identityStatuses.${person.identityStatus}`)}
                </Badge>
                {person.identityReason && <span className="muted"> {person.identityReason}</span>}
              </dd>
            </dl>
          </Section>
          {me.role === 'staff' && <EcardPanel key={person.id} idNumber={person.idNumber} />}
          <AccountPanel key={`a-${person.id}`} personId={person.id} />
          <ContributionsPanel key={`c-${person.id}`} personId={person.id} />
          <SettlementsPanel key={`s-${person.id}`} personId={person.id} />
        </>
      )}
    </section>
  );
}

function EcardPanel({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation('console');
  const [notice, setNotice] = useState<string | null>(null);
  const ecard = useLoad(
    () =>
      api<Ecard>('console', '/v1/staff/ecards', { query: { idNumber } }).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'ecard_not_found') return null;
        throw err;
      }),
    [idNumber],
  );
  const act = (path: 'suspend' | 'resume', id: string) =>
    api<Ecard>('console', `/v1/staff/ecards/${id}/${path}`, { method: 'POST' });
  const [stepError, setStepError] = useState<unknown>(null);
  const run = async (path: 'suspend' | 'resume', id: string) => {
    setStepError(null);
    try {
      await act(path, id);
      setNotice(t(path === 'suspend' ? 'persons.ecardSuspended' : 'persons.ecardResumed'));
      ecard.reload();
    } catch (err) {
      setStepError(err);
    }
  };
  return (
    <Section title={t('persons.ecard')}>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBanner error={stepError} />
      <LoadState loaded={ecard}>
        {(e) =>
          e === null ? (
            <p className="muted">{t('persons.noEcard')}</p>
          ) : (
            <>
              <dl className="facts">
                <dt>{t('common.status')}</dt>
                <dd>
                  <Badge tone={e.status === 'active' ? 'ok' : e.status === 'revoked' ? 'bad' : 'warn'}>
                    {t(`persons.ecardStatuses.${e.status}`)}
                  </Badge>
                  {e.suspendedBy && (
                    <span className="muted"> {t(`persons.suspendedBy.${e.suspendedBy}`)}</span>
                  )}
                </dd>
                <dt>{t('persons.payment')}</dt>
                <dd>{e.paymentOpen ? t('common.yes') : t('common.no')}</dd>
                <dt>{t('persons.channels')}</dt>
                <dd>{e.channels.join(', ')}</dd>
                <dt>{t('persons.physicalCard')}</dt>
                <dd>{e.physicalCardNumber ?? '—'}</dd>
                <dt>{t('persons.activatedAt')}</dt>
                <dd>{formatInstant(e.activatedAt)}</dd>
              </dl>
              <div className="row actions">
                {e.status === 'active' && (
                  <ConfirmButton
                    label={t('persons.suspend')}
                    question={t('persons.suspendQuestion')}
                    onConfirm={() => void run('suspend', e.id)}
                  />
                )}
                {e.status === 'suspended' && (
                  <button type="button" onClick={() => void run('resume', e.id)}>
                    {t('persons.resume')}
                  </button>
                )}
              </div>
              {e.status !== 'revoked' && (
                <RevokeForm
                  ecard={e}
                  onDone={() => {
                    setNotice(t('persons.ecardRevoked'));
                    ecard.reload();
                  }}
                />
              )}
            </>
          )
        }
      </LoadState>
    </Section>
  );
}

function RevokeForm({ ecard, onDone }: { ecard: Ecard; onDone: () => void }) {
  const { t } = useTranslation('console');
  const [reason, setReason] = useState('');
  const [asking, setAsking] = useState(false);
  const submission = useSubmit(async () => {
    if (!asking) return setAsking(true);
    setAsking(false);
    await api<Ecard>('console', `/v1/staff/ecards/${ecard.id}/revoke`, { body: { reason: reason.trim() } });
    onDone();
  }, ['reason']);
  return (
    <Form submission={submission} label={t('persons.revokeTitle')}>
      <h4>{t('persons.revokeTitle')}</h4>
      <Field
        label={t('common.reason')}
        name="reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
        error={submission.fieldError('reason')}
      />
      {asking ? (
        <div className="row" role="group" aria-label={t('persons.revokeQuestion')}>
          <span>{t('persons.revokeQuestion')}</span>
          <SubmitButton busy={submission.busy}>{t('confirm', { ns: 'common' })}</SubmitButton>
          <button type="button" onClick={() => setAsking(false)}>
            {t('cancel', { ns: 'common' })}
          </button>
        </div>
      ) : (
        <button type="submit" className="danger">
          {t('persons.revoke')}
        </button>
      )}
    </Form>
  );
}

function AccountPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const account = useLoad(
    () => api<Account>('console', `/v1/staff/persons/${personId}/account`, { query: { limit: 20 } }),
    [personId],
  );
  return (
    <Section title={t('persons.account')}>
      <LoadState loaded={account}>
        {(a) => (
          <>
            <p>
              {t('persons.balance')}: <Money fen={a.balance} />
            </p>
            {a.movements.length > 0 && (
              <table>
                <thead>
                  <tr>
                    <th>{t('cards.when')}</th>
                    <th>{t('persons.kind')}</th>
                    <th>{t('persons.memo')}</th>
                    <th className="num">{t('persons.amount')}</th>
                  </tr>
                </thead>
                <tbody>
                  {a.movements.map((m) => (
                    <tr key={m.entryId}>
                      <td>{formatInstant(m.at)}</td>
                      <td>{t(`persons.movementKinds.${m.kind}`)}</td>
                      <td>{m.memo}</td>
                      <td className="num">
                        <Money fen={m.amount} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </>
        )}
      </LoadState>
    </Section>
  );
}

function ContributionsPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const months = useLoad(
    () => api<{ months: ContributionMonth[] }>('console', `/v1/staff/persons/${personId}/contributions`),
    [personId],
  );
  return (
    <Section title={t('persons.contributions')}>
      <LoadState loaded={months}>
        {({ months: list }) =>
          list.length === 0 ? (
            <p className="muted">{t('persons.noContributions')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('persons.month')}</th>
                  <th className="num">{t('persons.base')}</th>
                  <th className="num">{t('persons.employerPremium')}</th>
                  <th className="num">{t('persons.ownPremium')}</th>
                  <th className="num">{t('persons.credited')}</th>
                  <th>{t('common.status')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((m) => (
                  <tr key={`${m.month}-${m.payer}`}>
                    <td>{m.month}</td>
                    <td className="num">
                      <Money fen={m.base} />
                    </td>
                    <td className="num">
                      <Money fen={m.employerPremium} />
                    </td>
                    <td className="num">
                      <Money fen={m.ownPremium} />
                    </td>
                    <td className="num">
                      <Money fen={m.credited} />
                    </td>
                    <td>{t(`persons.contributionStatuses.${m.status}`)}</td>
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

function SettlementsPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const list = useLoad(
    () =>
      api<{ settlements: Settlement[] }>('console', `/v1/staff/persons/${personId}/settlements`, {
        query: { limit: 20 },
      }),
    [personId],
  );
  return (
    <Section title={t('persons.settlements')}>
      <LoadState loaded={list}>
        {({ settlements }) =>
          settlements.length === 0 ? (
            <p className="muted">{t('persons.noSettlements')}</p>
          ) : (
            <table>
              <thead>
                <tr>
                  <th>{t('cards.when')}</th>
                  <th>{t('persons.setting')}</th>
                  <th>{t('common.status')}</th>
                  <th className="num">{t('persons.total')}</th>
                  <th className="num">{t('persons.fund')}</th>
                  <th className="num">{t('persons.accountPaid')}</th>
                  <th className="num">{t('persons.cashPaid')}</th>
                </tr>
              </thead>
              <tbody>
                {settlements.map((s, i) => (
                  <tr key={s.id ?? i}>
                    <td>{formatInstant(s.createdAt)}</td>
                    <td>{t(`persons.settings.${s.result.setting}`, { defaultValue: s.result.setting })}</td>
                    <td>{t(`persons.settlementStatuses.${s.status}`)}</td>
                    <td className="num">
                      <Money fen={s.result.totals.total} />
                    </td>
                    <td className="num">
                      <Money fen={s.result.totals.fund} />
                    </td>
                    <td className="num">
                      <Money fen={s.result.totals.accountPaid + s.result.totals.relativeAccountPaid} />
                    </td>
                    <td className="num">
                      <Money fen={s.result.totals.cashPaid} />
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

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Notice } from '../shared/ui.tsx';
import { Badge, IdNumberSearch, Section } from './components.tsx';
import { EcardPanel } from './EcardPanel.tsx';
import { EsscPanel } from './EsscPanel.tsx';
import { ApprovalsPanel } from './Approvals.tsx';
import { PersonStatus } from './PersonStatus.tsx';
import { AccountPanel, ContributionsPanel, SettlementsPanel } from './PersonRecords.tsx';
import type { Me, Person } from './types.ts';

/**
 * A person by ID number: their record, both electronic cards (the e-voucher: suspend, resume, revoke; the e-SSC),
 * account, contributions, settlements, approvals (register, revoke).
 */
export function PersonLookup({ me }: { me: Me }) {
  const { t } = useTranslation('console');
  const [person, setPerson] = useState<Person | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  return (
    <section aria-labelledby="persons-title">
      <h2 id="persons-title">{t('persons.title')}</h2>
      <IdNumberSearch
        onSearch={async (idNumber) => {
          setSaved(null);
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
            {saved && <Notice>{saved}</Notice>}
            <PersonStatus
              key={`${person.id}-${person.status}-${person.retired}`}
              person={person}
              onSaved={(p) => {
                setPerson(p);
                setSaved(t('persons.savedNotice'));
              }}
            />
          </Section>
          {me.role === 'staff' && <EcardPanel key={person.id} idNumber={person.idNumber} />}
          {me.role === 'staff' && <EsscPanel key={`e-${person.id}`} idNumber={person.idNumber} />}
          <AccountPanel key={`a-${person.id}`} personId={person.id} />
          <ContributionsPanel key={`c-${person.id}`} personId={person.id} />
          <SettlementsPanel key={`s-${person.id}`} personId={person.id} />
          <ApprovalsPanel key={`ap-${person.id}`} personId={person.id} />
        </>
      )}
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Checkbox, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import type { Person } from './types.ts';

const STATUSES: Person['status'][] = ['active', 'suspended', 'ended'];

/** Change a person's insurance status or retired flag; suspending or ending it is confirmed first. */
export function PersonStatus({ person, onSaved }: { person: Person; onSaved: (p: Person) => void }) {
  const { t } = useTranslation('console');
  const [status, setStatus] = useState(person.status);
  const [retired, setRetired] = useState(person.retired);
  const [asking, setAsking] = useState(false);
  const risky = status !== person.status && status !== 'active';
  const submission = useSubmit(async () => {
    if (risky && !asking) return setAsking(true);
    setAsking(false);
    onSaved(
      await api<Person>('console', `/v1/staff/persons/${person.id}`, {
        method: 'PATCH',
        body: { status, retired },
      }),
    );
  }, ['status', 'retired']);
  const unchanged = status === person.status && retired === person.retired;
  return (
    <Form submission={submission} label={t('persons.changeTitle')}>
      <h4>{t('persons.changeTitle')}</h4>
      <div className="row">
        <Select
          label={t('persons.insuranceStatus')}
          value={status}
          onChange={(e) => {
            setStatus(e.target.value as Person['status']);
            setAsking(false);
          }}
          error={submission.fieldError('status')}
          options={STATUSES.map((s) => ({ value: s, label: t(`persons.statuses.${s}`) }))}
        />
        <Checkbox
          label={t('persons.retired')}
          checked={retired}
          onChange={(e) => setRetired(e.target.checked)}
        />
      </div>
      {asking ? (
        <div
          className="row"
          role="group"
          aria-label={t('persons.changeQuestion', { status: t(`persons.statuses.${status}`) })}
        >
          <span>{t('persons.changeQuestion', { status: t(`persons.statuses.${status}`) })}</span>
          <SubmitButton busy={submission.busy}>{t('confirm', { ns: 'common' })}</SubmitButton>
          <button type="button" onClick={() => setAsking(false)}>
            {t('cancel', { ns: 'common' })}
          </button>
        </div>
      ) : (
        <button
          type="submit"
          className={risky ? 'danger' : 'primary'}
          disabled={unchanged || submission.busy}
        >
          {t('persons.save')}
        </button>
      )}
    </Form>
  );
}

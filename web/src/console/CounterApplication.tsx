import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { Field, Form, Select, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { CheckField } from './components.tsx';
import type { ApplicationResult, CounterChannel } from './types.ts';

const COUNTER_CHANNELS = [
  'county_centre',
  'service_point',
  'agent',
] as const satisfies readonly CounterChannel[];

/** File a card application at the counter for a person, by ID number (with an agent's ID when an agent applies). */
export function CounterApplication({ onFiled }: { onFiled: (notice: string) => void }) {
  const { t } = useTranslation('console');
  const [channel, setChannel] = useState<CounterChannel>('county_centre');
  const [idNumber, setIdNumber] = useState('');
  const [name, setName] = useState('');
  const [idChecked, setIdChecked] = useState(false);
  const [pin, setPin] = useState('');
  const [bank, setBank] = useState('');
  const [agentId, setAgentId] = useState('');
  const [agentName, setAgentName] = useState('');
  const submission = useSubmit(
    async () => {
      const r = await api<ApplicationResult>('console', '/v1/staff/cards/applications', {
        body: {
          channel,
          idNumber: idNumber.trim().toUpperCase(),
          name: name.trim(),
          idChecked,
          ...(pin ? { pin } : {}),
          ...(bank.trim() ? { bank: bank.trim() } : {}),
          ...(channel === 'agent'
            ? { agent: { idNumber: agentId.trim().toUpperCase(), name: agentName.trim() } }
            : {}),
        },
      });
      onFiled(
        r.card
          ? t('apps.filedIssued', { name: r.application.personName, number: r.card.cardNumber })
          : t('apps.filedPending', { name: r.application.personName, due: r.application.dueDate ?? '—' }),
      );
      setIdNumber('');
      setName('');
      setPin('');
      setIdChecked(false);
      setAgentId('');
      setAgentName('');
    },
    ['channel', 'agent.idNumber', 'agent.name', 'agent', 'idNumber', 'name', 'idChecked', 'pin', 'bank'],
    {
      person_not_found: 'idNumber',
      identity_not_verified: 'idNumber',
      name_mismatch: 'name',
      details_mismatch: 'name',
      wrong_office_kind: 'channel',
      agent_required: 'agent.idNumber',
      agent_is_person: 'agent.idNumber',
    },
  );
  return (
    <Form submission={submission} label={t('apps.fileTitle')}>
      <Select
        label={t('apps.channel')}
        value={channel}
        onChange={(e) => setChannel(e.target.value as CounterChannel)}
        error={submission.fieldError('channel')}
        options={COUNTER_CHANNELS.map((c) => ({
          value: c,
          label: t(`apps.channels.${c}`),
        }))}
      />
      <div className="grid">
        <Field
          label={t('common.idNumber')}
          name="idNumber"
          value={idNumber}
          maxLength={18}
          autoComplete="off"
          onChange={(e) => setIdNumber(e.target.value)}
          error={submission.fieldError('idNumber')}
        />
        <Field
          label={t('common.name')}
          name="name"
          value={name}
          autoComplete="off"
          onChange={(e) => setName(e.target.value)}
          error={submission.fieldError('name')}
        />
      </div>
      {channel === 'agent' && (
        <div className="grid">
          <Field
            label={t('apps.agentIdNumber')}
            name="agentIdNumber"
            value={agentId}
            maxLength={18}
            autoComplete="off"
            onChange={(e) => setAgentId(e.target.value)}
            error={submission.fieldError('agent.idNumber') ?? submission.fieldError('agent')}
          />
          <Field
            label={t('apps.agentName')}
            name="agentName"
            value={agentName}
            autoComplete="off"
            onChange={(e) => setAgentName(e.target.value)}
            error={submission.fieldError('agent.name')}
          />
        </div>
      )}
      <CheckField
        label={t('apps.idChecked')}
        checked={idChecked}
        onChange={setIdChecked}
        error={submission.fieldError('idChecked')}
      />
      <div className="grid">
        <Field
          label={t('apps.pin')}
          hint={t('apps.pinHint')}
          name="pin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={pin}
          onChange={(e) => setPin(e.target.value)}
          error={submission.fieldError('pin')}
        />
        <Field
          label={t('apps.bank')}
          name="bank"
          value={bank}
          onChange={(e) => setBank(e.target.value)}
          error={submission.fieldError('bank')}
        />
      </div>
      <SubmitButton busy={submission.busy}>{t('apps.file')}</SubmitButton>
    </Form>
  );
}

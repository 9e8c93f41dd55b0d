import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Form, LoadState, Select, SubmitButton, useLoad, useSubmit } from '../shared/ui.tsx';
import { call } from './client.ts';
import type { Office } from './types.ts';

type Channel = 'service_point' | 'county_centre';

/** Apply for the physical card at a street service point or at the county centre of the person's region. */
export function CardApplyForm({ regionCode, onDone }: { regionCode: string; onDone: () => void }) {
  const { t } = useTranslation('person');
  const offices = useLoad(
    () => call<{ offices: Office[] }>('/v1/offices', { query: { regionCode } }),
    [regionCode],
  );
  const [channel, setChannel] = useState<Channel>('service_point');
  const [officeId, setOfficeId] = useState('');
  const fitting = (offices.data?.offices ?? []).filter((o) => o.kind === channel);
  const chosen = fitting.find((o) => o.id === officeId)?.id ?? fitting[0]?.id ?? '';
  const submission = useSubmit(async () => {
    await call('/v1/me/cards/applications', { body: { channel, officeId: chosen } });
    onDone();
  }, ['channel', 'officeId']);
  return (
    <section aria-labelledby="card-apply-title" className="section">
      <h3 id="card-apply-title">{t('cards.applyTitle')}</h3>
      <LoadState loaded={offices}>
        {() => (
          <Form submission={submission}>
            <Select
              label={t('cards.channel')}
              name="channel"
              value={channel}
              onChange={(e) => setChannel(e.target.value as Channel)}
              error={submission.fieldError('channel')}
              options={(['service_point', 'county_centre'] as const).map((c) => ({
                value: c,
                label: t(`cardChannel.${c}`),
              }))}
            />
            <Select
              label={t('cards.office')}
              name="officeId"
              value={chosen}
              onChange={(e) => setOfficeId(e.target.value)}
              error={submission.fieldError('officeId')}
              options={fitting.map((o) => ({ value: o.id, label: o.name }))}
            />
            <SubmitButton busy={submission.busy}>{t('cards.apply')}</SubmitButton>
          </Form>
        )}
      </LoadState>
    </section>
  );
}

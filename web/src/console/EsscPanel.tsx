import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { LoadState, useLoad } from '../shared/ui.tsx';
import { Badge, Section } from './components.tsx';
import { formatInstant } from './format.ts';
import type { Answer } from '../shared/api-types.ts';

type Essc = Answer<'staffFindEssc'>;

/**
 * A person's electronic social security card at the counter, beside the e-voucher: its number, its state
 * (which follows the physical card), the linked card, the payment function, the bank account (masked), the
 * channels. Its changes come from the physical card's loss, replacement and cancellation.
 */
export function EsscPanel({ idNumber }: { idNumber: string }) {
  const { t } = useTranslation('console');
  const essc = useLoad(
    () =>
      api<Essc>('console', '/v1/staff/esscs', { query: { idNumber } }).catch((err: unknown) => {
        if (err instanceof ApiError && err.code === 'essc_not_found') return null;
        throw err;
      }),
    [idNumber],
  );
  return (
    <Section title={t('persons.essc')}>
      <LoadState loaded={essc}>
        {(e) =>
          e === null ? (
            <p className="muted">{t('persons.noEssc')}</p>
          ) : (
            <dl className="facts" aria-label={t('persons.essc')}>
              <dt>{t('persons.esscNumber')}</dt>
              <dd>{e.esscNumber}</dd>
              <dt>{t('common.status')}</dt>
              <dd>
                <Badge tone={e.status === 'active' ? 'ok' : e.status === 'ended' ? 'bad' : 'warn'}>
                  {t(`persons.esscStatuses.${e.status}`)}
                </Badge>
              </dd>
              <dt>{t('persons.esscCard')}</dt>
              <dd>
                {e.physicalCard.cardNumber} · {t(`cards.statuses.${e.physicalCard.status}`)}
              </dd>
              <dt>{t('persons.esscSecondLevel')}</dt>
              <dd>{e.secondLevel ? t('persons.esscOpen') : t('persons.esscClosed')}</dd>
              <dt>{t('persons.esscBank')}</dt>
              <dd>
                {e.bankAccount ? `${e.bankAccount.bank.toUpperCase()} ${e.bankAccount.accountMasked}` : '—'}
              </dd>
              <dt>{t('persons.esscChannels')}</dt>
              <dd>{e.authorisations.map((a) => t(`persons.esscChannelNames.${a.channel}`)).join('、')}</dd>
              <dt>{t('persons.esscIssued')}</dt>
              <dd>{formatInstant(e.issuedAt)}</dd>
            </dl>
          )
        }
      </LoadState>
    </Section>
  );
}

import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { Checkbox, ErrorBanner, Field, Select, useSubmit } from '../shared/ui.tsx';
import { Breakdown } from './Breakdown.tsx';
import { attemptKeys } from './attempt.ts';
import { billOf, type BillLine, type Visit } from './bill.ts';
import type { Payer, Settlement } from './types.ts';

/**
 * Estimate and settle the bill for the identified payer. A settlement carries one Idempotency-Key per
 * attempt, reused when the same bill is sent again (with the payment PIN the server asked for, or after
 * a lost answer), so a retry can never pay twice.
 */
export function SettlePanel({
  payer,
  lines,
  visit,
  onSettled,
}: {
  payer: Payer | null;
  lines: BillLine[];
  visit: Visit;
  onSettled: (s: Settlement) => void;
}) {
  const { t } = useTranslation('terminal');
  const [familyAccount, setFamilyAccount] = useState(true);
  const [cashBy, setCashBy] = useState<'cash' | 'bank_account'>('cash');
  const [paymentPin, setPaymentPin] = useState('');
  // An estimate is shown only while the bill, payer and choices are still the ones it was made for.
  const [estimate, setEstimate] = useState<{ fingerprint: string; result: Settlement } | null>(null);
  const fingerprint = JSON.stringify({
    payer,
    bill: billOf(visit, lines),
    familyAccount,
    cashBy,
  });
  const keys = useMemo(() => attemptKeys(), []);
  const request = () => {
    if (!payer) throw new ApiError(400, 'scan_first', t('settle.needScan'));
    if (!lines.length) throw new ApiError(400, 'bill_empty', t('settle.needItems'));
    return { ...payer, bill: billOf(visit, lines), familyAccount, cashBy };
  };
  const estimation = useSubmit(async () => {
    setEstimate(null);
    const result = await api<Settlement>('terminal', '/v1/terminal/settlements', {
      body: { ...request(), estimate: true },
    });
    setEstimate({ fingerprint, result });
  });
  // A wrong PIN or a missing one concerns the payment PIN field (on a card payment the chip PIN was read at the scan).
  const pinCodes: Record<string, string> =
    payer && 'qr' in payer ? { wrong_pin: 'paymentPin', payment_pin_required: 'paymentPin' } : {};
  const settlement = useSubmit(
    async () => {
      const body = request();
      const key = keys.keyFor(JSON.stringify(body));
      const s = await api<Settlement>('terminal', '/v1/terminal/settlements', {
        body: { ...body, ...(paymentPin ? { paymentPin } : {}) },
        headers: { 'idempotency-key': key },
      });
      keys.reset();
      onSettled(s);
    },
    ['paymentPin'],
    pinCodes,
  );
  const pinError = settlement.fieldError('paymentPin');

  return (
    <section className="card" aria-labelledby="settle-title">
      <h2 id="settle-title">{t('settle.title')}</h2>
      <form
        className="settle-form"
        aria-label={t('settle.title')}
        noValidate
        onSubmit={(e) => void settlement.submit(e)}
      >
        <ErrorBanner error={estimation.error} />
        {settlement.formError && (
          <div className="banner error" role="alert">
            {settlement.formError}
          </div>
        )}
        <Checkbox
          label={t('settle.family')}
          checked={familyAccount}
          onChange={(e) => setFamilyAccount(e.target.checked)}
        />
        <Select
          label={t('settle.cashBy')}
          name="cashBy"
          value={cashBy}
          onChange={(e) => setCashBy(e.target.value as 'cash' | 'bank_account')}
          options={[
            { value: 'cash', label: t('settle.cashAtTill') },
            { value: 'bank_account', label: t('settle.cashByBank') },
          ]}
        />
        <Field
          label={t('settle.pin')}
          name="paymentPin"
          type="password"
          inputMode="numeric"
          autoComplete="off"
          maxLength={6}
          value={paymentPin}
          onChange={(e) => setPaymentPin(e.target.value)}
          hint={t('settle.pinHint')}
          error={pinError}
        />
        <div className="row">
          <button
            type="button"
            disabled={estimation.busy}
            aria-busy={estimation.busy || undefined}
            onClick={() => void estimation.submit()}
          >
            {t('settle.estimate')}
          </button>
          <button
            type="submit"
            className="primary"
            disabled={settlement.busy}
            aria-busy={settlement.busy || undefined}
          >
            {t('settle.settle')}
          </button>
        </div>
      </form>
      {estimate?.fingerprint === fingerprint && (
        <div className="estimate" aria-labelledby="estimate-title">
          <h3 id="estimate-title">{t('settle.estimateTitle')}</h3>
          <Breakdown settlement={estimate.result} />
        </div>
      )}
    </section>
  );
}

import { useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { formatFen } from '../shared/money.ts';
import { Checkbox, Field, Money, useSubmit } from '../shared/ui.tsx';
import { ConfirmButton } from './ConfirmButton.tsx';
import { attemptKeys } from './attempt.ts';
import type { Refund, TerminalSettlement } from './types.ts';

/** Refund a settlement, whole or by line, after a confirmation. Each refund attempt has its own key. */
export function RefundPanel({
  settlement: s,
  onRefunded,
}: {
  settlement: TerminalSettlement;
  onRefunded: (r: Refund) => void;
}) {
  const { t } = useTranslation('terminal');
  const [picked, setPicked] = useState<number[]>([]);
  const [reason, setReason] = useState('');
  const keys = useMemo(() => attemptKeys(), []);
  /** The lines of the refund being confirmed; none means the whole settlement (what is left of it). */
  const linesRef = useRef<number[] | undefined>(undefined);
  const open = s.result.lines.filter((l) => !s.refundedLines.includes(l.index));
  const closed = s.status === 'refunded' || open.length === 0;
  const submission = useSubmit(async () => {
    const lines = linesRef.current;
    if (reason.trim().length < 2)
      throw new ApiError(400, 'reason_required', t('refund.reasonInvalid'), { field: 'reason' });
    const body = { reason: reason.trim(), ...(lines ? { lines } : {}) };
    const r = await api<Refund>('terminal', `/v1/terminal/settlements/${s.id}/refunds`, {
      body,
      headers: { 'idempotency-key': keys.keyFor(JSON.stringify(body)) },
    });
    keys.reset();
    setPicked([]);
    setReason('');
    onRefunded(r);
  }, ['reason', 'lines']);
  const pickedTotal = s.result.lines
    .filter((l) => picked.includes(l.index))
    .reduce((sum, l) => sum + l.amount, 0);
  const openTotal = open.reduce((sum, l) => sum + l.amount, 0);

  return (
    <section className="card" aria-labelledby="refund-title">
      <h2 id="refund-title">{t('refund.title')}</h2>
      {closed ? (
        <p className="muted">{t('refund.nothingLeft')}</p>
      ) : (
        <div className="refund-form">
          {submission.formError && (
            <div className="banner error" role="alert">
              {submission.formError}
            </div>
          )}
          <fieldset>
            <legend>{t('refund.lines')}</legend>
            {s.result.lines.map((l) => (
              <Checkbox
                key={l.index}
                label={`${l.name} · ${formatFen(l.amount)}`}
                checked={picked.includes(l.index)}
                disabled={s.refundedLines.includes(l.index)}
                onChange={(e) =>
                  setPicked((p) => (e.target.checked ? [...p, l.index] : p.filter((i) => i !== l.index)))
                }
              />
            ))}
          </fieldset>
          <Field
            label={t('refund.reason')}
            name="reason"
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            error={submission.fieldError('reason')}
            required
          />
          <div className="row">
            <ConfirmButton
              label={t('refund.selected')}
              disabled={picked.length === 0}
              busy={submission.busy}
              question={
                <>
                  {t('refund.confirmSelected', { count: picked.length })} <Money fen={pickedTotal} />
                </>
              }
              confirmLabel={t('refund.confirm')}
              onConfirm={() => {
                linesRef.current = [...picked].sort((a, b) => a - b);
                void submission.submit();
              }}
            />
            <ConfirmButton
              label={t('refund.whole')}
              busy={submission.busy}
              question={
                <>
                  {t('refund.confirmWhole')} <Money fen={openTotal} />
                </>
              }
              confirmLabel={t('refund.confirm')}
              onConfirm={() => {
                linesRef.current = undefined;
                void submission.submit();
              }}
            />
          </div>
        </div>
      )}
    </section>
  );
}

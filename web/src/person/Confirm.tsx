import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A destructive action asked twice: the first press shows the question with Confirm and Cancel, and moves
 * the focus to Confirm so the keyboard follows.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  busy,
}: {
  label: string;
  question: string;
  onConfirm: () => unknown;
  busy?: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button type="button" className="danger" onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
    );
  return (
    <div className="confirm" role="group" aria-label={question}>
      <p>{question}</p>
      <div className="row">
        <button
          ref={confirmRef}
          type="button"
          className="danger"
          disabled={busy}
          onClick={() => {
            setAsking(false);
            void onConfirm();
          }}
        >
          {t('confirm')}
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}

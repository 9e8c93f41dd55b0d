import { useEffect, useRef, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

/**
 * A button for an action that cannot be undone (revoke, refund, remove): the first press asks, in place,
 * and only the explicit confirmation runs it. Escape or Cancel backs out.
 */
export function ConfirmButton({
  label,
  ariaLabel,
  question,
  confirmLabel,
  onConfirm,
  busy,
  disabled,
}: {
  label: string;
  /** A fuller name for screen readers when the visible label is short ("Remove" → "Remove Amoxicillin"). */
  ariaLabel?: string;
  question: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  busy?: boolean;
  disabled?: boolean;
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking)
    return (
      <button
        type="button"
        className="danger"
        aria-label={ariaLabel}
        disabled={disabled || busy}
        onClick={() => setAsking(true)}
      >
        {label}
      </button>
    );
  return (
    <div
      className="confirm banner warn"
      role="group"
      aria-label={ariaLabel ?? label}
      onKeyDown={(e) => e.key === 'Escape' && setAsking(false)}
    >
      <p>{question}</p>
      <div className="row">
        <button
          ref={confirmRef}
          type="button"
          className="danger"
          disabled={busy}
          aria-busy={busy || undefined}
          onClick={() => {
            setAsking(false);
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
        <button type="button" onClick={() => setAsking(false)}>
          {t('cancel')}
        </button>
      </div>
    </div>
  );
}

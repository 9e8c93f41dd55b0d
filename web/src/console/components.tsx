/** Small building blocks of the console's screens, on top of the shared kit. */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { ErrorBanner, Field, SubmitButton, useErrorText, useSubmit } from '../shared/ui.tsx';

/** A checkbox whose server error (e.g. `idChecked`) is shown beside it and tied to it for screen readers. */
export function CheckField({
  label,
  checked,
  onChange,
  error,
  name,
}: {
  label: string;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
  name?: string;
}) {
  const id = useId();
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label className="checkbox" htmlFor={id}>
        <input
          id={id}
          type="checkbox"
          name={name}
          checked={checked}
          onChange={(e) => onChange(e.target.checked)}
          aria-invalid={error ? true : undefined}
          aria-describedby={error ? `${id}-error` : undefined}
        />{' '}
        {label}
      </label>
      {error && (
        <small id={`${id}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

/**
 * A button for a destructive action that asks once more, in place: the first press shows
 * "Confirm …?" with Confirm and Cancel; only Confirm runs the action.
 */
export function ConfirmButton({
  label,
  question,
  onConfirm,
  busy,
  tone = 'danger',
}: {
  label: string;
  question: string;
  onConfirm: () => void;
  busy?: boolean;
  /** `danger` for what cannot be undone; `primary` for a weighty but ordinary step (marking a day paid). */
  tone?: 'danger' | 'primary';
}) {
  const { t } = useTranslation();
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" className={tone} onClick={() => setAsking(true)} disabled={busy}>
        {label}
      </button>
    );
  return (
    <span className="confirm" role="group" aria-label={question}>
      <span>{question}</span>{' '}
      <button
        type="button"
        className={tone}
        // The button the clerk pressed is gone; keep the keyboard focus on the question's answer.
        autoFocus
        onClick={() => {
          setAsking(false);
          onConfirm();
        }}
      >
        {t('confirm')}
      </button>{' '}
      <button type="button" onClick={() => setAsking(false)}>
        {t('cancel')}
      </button>
    </span>
  );
}

/** The form that asks for a person's ID number and reports the lookup's refusal next to the field. */
export function IdNumberSearch({
  label,
  onSearch,
  initial = '',
}: {
  label?: string;
  onSearch: (idNumber: string) => Promise<unknown>;
  initial?: string;
}) {
  const { t } = useTranslation('console');
  const [idNumber, setIdNumber] = useState(initial);
  const search = useSubmit(() => onSearch(idNumber.trim().toUpperCase()), ['idNumber'], {
    person_not_found: 'idNumber',
    ecard_not_found: 'idNumber',
  });
  return (
    <form
      className="row"
      role="search"
      noValidate
      onSubmit={(e: FormEvent) => void search.submit(e)}
      aria-label={t('common.lookUp')}
    >
      <Field
        label={label ?? t('common.idNumber')}
        name="idNumber"
        value={idNumber}
        maxLength={18}
        autoComplete="off"
        onChange={(e) => setIdNumber(e.target.value)}
        error={search.fieldError('idNumber')}
      />
      <SubmitButton busy={search.busy}>{t('common.search')}</SubmitButton>
      {search.formError && <ErrorBanner error={search.formError} />}
    </form>
  );
}

/** The ID photo of a review, fetched with the staff token as a blob and shown through an object URL. */
export function ReviewPhoto({ reviewId, alt }: { reviewId: string; alt: string }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const errorText = useErrorText();
  useEffect(() => {
    let live = true;
    let made: string | null = null;
    setUrl(null);
    setError(null);
    api<Blob>('console', `/v1/staff/identity-reviews/${reviewId}/photo`, { as: 'blob' }).then(
      (blob) => {
        if (!live) return;
        made = URL.createObjectURL(blob);
        setUrl(made);
      },
      (err: unknown) => live && setError(err),
    );
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [reviewId]);
  if (error) return <p className="banner error">{errorText(error)}</p>;
  if (!url) return <p className="muted">…</p>;
  return <img className="id-photo" src={url} alt={alt} />;
}

/** A status shown as a coloured badge; `tone` picks the colour. */
export function Badge({ tone, children }: { tone?: 'ok' | 'warn' | 'bad'; children: ReactNode }) {
  return <span className={`badge${tone && tone !== 'ok' ? ` ${tone}` : ''}`}>{children}</span>;
}

/** A section of a screen with its heading. */
export function Section({ title, children, id }: { title: string; children: ReactNode; id?: string }) {
  const auto = useId();
  const headingId = id ?? auto;
  return (
    <section className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{title}</h3>
      {children}
    </section>
  );
}

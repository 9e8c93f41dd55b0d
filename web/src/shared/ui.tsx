/**
 * The small set of building blocks every screen uses, so that labels, errors, focus and money look and
 * behave the same everywhere. Accessibility lives here once: every input has a label, an error is tied to
 * its input with aria-describedby, alerts are announced.
 */
import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
} from 'react';
import { useTranslation } from 'react-i18next';
import { NavLink } from 'react-router-dom';
import { ApiError, api, onSignedOut, session, type AppName } from './api.ts';
import { formatFen } from './money.ts';
import { setLanguage } from './i18n.ts';
import { LANGUAGES, type Language } from './languages.ts';

/** Which app a screen belongs to, so its own texts win over another app's for the same key. */
const AppContext = createContext<AppName | null>(null);
const NAMESPACE_OF: Record<AppName, string> = {
  person: 'person',
  terminal: 'terminal',
  institution: 'terminal',
  console: 'console',
};

/**
 * The text shown for an error: our own translation of its code when we have one (the current app's
 * namespace first, then the common one), else the server's message.
 */
export function useErrorText(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  const app = useContext(AppContext);
  return useCallback(
    (err: unknown) => {
      if (err instanceof ApiError) {
        const own = app ? [NAMESPACE_OF[app]] : [];
        for (const ns of [...own, 'common']) {
          const key = `${ns}:errors.${err.code}`;
          if (i18n.exists(key)) return t(key);
        }
        return err.message;
      }
      return err instanceof Error ? err.message : String(err);
    },
    [t, i18n, app],
  );
}

export interface Submission<T> {
  submit: (e?: FormEvent) => Promise<T | undefined>;
  busy: boolean;
  error: unknown;
  /** The error text for one field, when the server's refusal concerns it. */
  fieldError: (field: string) => string | undefined;
  /** The error text when it concerns no field the form shows. */
  formError: string | undefined;
  reset: () => void;
}

/**
 * Runs one form's action: blocks double submits, keeps the error, and says which field it concerns.
 * `fields` lists the form's field names; `codeFields` maps business error codes onto them
 * (e.g. `{ details_mismatch: 'name' }`) when the server names a rule rather than a field.
 */
export function useSubmit<T>(
  action: () => Promise<T>,
  fields: readonly string[] = [],
  codeFields: Record<string, string> = {},
): Submission<T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const busyRef = useRef(false);
  const errorText = useErrorText();
  const blamed = (): string | undefined => {
    if (!(error instanceof ApiError)) return undefined;
    const named = codeFields[error.code] ?? error.field;
    if (!named) return undefined;
    return fields.find((f) => named === f || named.startsWith(`${f}.`) || named.endsWith(`.${f}`));
  };
  const field = blamed();
  return {
    busy,
    error,
    async submit(e?: FormEvent) {
      e?.preventDefault();
      if (busyRef.current) return undefined;
      busyRef.current = true;
      setBusy(true);
      setError(null);
      try {
        return await action();
      } catch (err) {
        setError(err);
        return undefined;
      } finally {
        busyRef.current = false;
        setBusy(false);
      }
    },
    fieldError: (f) => (error && field === f ? errorText(error) : undefined),
    formError: error && !field ? errorText(error) : undefined,
    reset: () => setError(null),
  };
}

export interface Loaded<T> {
  data?: T;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Loads data for a screen and reloads it on demand (after a change) or when `deps` change. */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[] = []): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error: unknown; loading: boolean }>({
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    load().then(
      (data) => live && setState({ data, error: null, loading: false }),
      (error: unknown) => live && setState((s) => ({ ...s, error, loading: false })),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((n) => n + 1) };
}

/** Shows a loading line, an error with retry, or the content once there is data. */
export function LoadState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t } = useTranslation();
  if (loaded.data !== undefined) return <>{children(loaded.data)}</>;
  if (loaded.error)
    return (
      <ErrorBanner error={loaded.error}>
        <button type="button" className="link" onClick={loaded.reload}>
          {t('retry')}
        </button>
      </ErrorBanner>
    );
  return (
    <p className="muted" role="status">
      {t('loading')}
    </p>
  );
}

export function ErrorBanner({ error, children }: { error: unknown; children?: ReactNode }) {
  const errorText = useErrorText();
  if (!error) return null;
  const code = error instanceof ApiError ? error.code : undefined;
  return (
    <div className="banner error" role="alert" data-code={code}>
      {typeof error === 'string' ? error : errorText(error)} {children}
    </div>
  );
}

export function Notice({ children }: { children: ReactNode }) {
  return (
    <div className="banner ok" role="status">
      {children}
    </div>
  );
}

interface FieldProps extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  error?: string;
  hint?: string;
}

/** A labelled input whose error (from the server, for this field) is shown beneath it and announced. */
export function Field({ label, error, hint, id, ...input }: FieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  const described = [hint && `${inputId}-hint`, error && `${inputId}-error`].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...input}
      />
      {hint && (
        <small id={`${inputId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${inputId}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

interface SelectProps extends SelectHTMLAttributes<HTMLSelectElement> {
  label: string;
  error?: string;
  hint?: string;
  options: ReadonlyArray<{ value: string; label: string }>;
}

export function Select({ label, error, hint, options, id, ...select }: SelectProps) {
  const auto = useId();
  const selectId = id ?? auto;
  const described = [hint && `${selectId}-hint`, error && `${selectId}-error`].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' invalid' : ''}`}>
      <label htmlFor={selectId}>{label}</label>
      <select
        id={selectId}
        aria-invalid={error ? true : undefined}
        aria-describedby={described || undefined}
        {...select}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
      {hint && (
        <small id={`${selectId}-hint`} className="hint">
          {hint}
        </small>
      )}
      {error && (
        <small id={`${selectId}-error`} className="field-error" role="alert">
          {error}
        </small>
      )}
    </div>
  );
}

export function Checkbox({
  label,
  ...input
}: { label: string } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type'>) {
  return (
    <label className="checkbox">
      <input type="checkbox" {...input} /> {label}
    </label>
  );
}

/** A form with its own error banner for refusals that concern no single field. */
export function Form<T>({
  submission,
  children,
  label,
}: {
  submission: Submission<T>;
  children: ReactNode;
  label?: string;
}) {
  return (
    <form onSubmit={(e) => void submission.submit(e)} aria-label={label} noValidate>
      {submission.formError && (
        <div className="banner error" role="alert">
          {submission.formError}
        </div>
      )}
      {children}
    </form>
  );
}

export function SubmitButton({ busy, children }: { busy?: boolean; children: ReactNode }) {
  return (
    <button type="submit" className="primary" disabled={busy} aria-busy={busy || undefined}>
      {children}
    </button>
  );
}

/** Integer fen shown as yuan. */
export function Money({ fen, className }: { fen: number; className?: string }) {
  return <span className={`money ${className ?? ''}`}>{formatFen(fen)}</span>;
}

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <label className="language">
      <span className="sr-only">{t('language')}</span>
      <select
        value={i18n.language}
        onChange={(e) => setLanguage(e.target.value as Language)}
        aria-label={t('language')}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code}>
            {l.label}
          </option>
        ))}
      </select>
    </label>
  );
}

export interface NavItem {
  to: string;
  label: string;
}

/** Header (title, language, sign out), optional navigation and the main landmark. */
export function Shell({
  app,
  title,
  nav = [],
  onSignOut,
  children,
  wide,
}: {
  app: AppName;
  title: string;
  nav?: NavItem[];
  onSignOut?: () => void;
  children: ReactNode;
  /** Desk layouts (terminal, console) use the full width; the person's app stays phone-sized. */
  wide?: boolean;
}) {
  const { t } = useTranslation();
  return (
    <AppContext.Provider value={app}>
      <div className={`shell shell-${app}${wide ? ' wide' : ''}`}>
        <a className="skip" href="#main">
          {t('skipToContent')}
        </a>
        <header className="topbar">
          <h1>{title}</h1>
          <div className="topbar-actions">
            <LanguageSwitch />
            {onSignOut && (
              <button type="button" className="ghost" onClick={onSignOut}>
                {t('signOut')}
              </button>
            )}
          </div>
        </header>
        {nav.length > 0 && (
          <nav aria-label={title} className="nav">
            {nav.map((n) => (
              <NavLink
                key={n.to}
                to={n.to}
                end
                className={({ isActive }) => (isActive ? 'active' : undefined)}
              >
                {n.label}
              </NavLink>
            ))}
          </nav>
        )}
        <main id="main" tabIndex={-1}>
          {children}
        </main>
      </div>
    </AppContext.Provider>
  );
}

/** Keeps whether `app` is signed in, and follows a 401 from any call back to the login screen. */
export function useSignedIn(app: AppName): [boolean, (token: string | null) => void] {
  const [signedIn, setSignedIn] = useState(() => session.token(app) !== null);
  useEffect(() => {
    const off = onSignedOut((which) => which === app && setSignedIn(false));
    return () => {
      off();
    };
  }, [app]);
  const set = useCallback(
    (token: string | null) => {
      if (token) session.set(app, token);
      else session.clear(app);
      setSignedIn(token !== null);
    },
    [app],
  );
  return [signedIn, set];
}

/** Login with a login name and password, for the apps of people and staff. Refuses roles `app` does not serve. */
export function PasswordLogin({
  app,
  roles,
  onSignedIn,
  intro,
}: {
  app: AppName;
  roles: readonly string[];
  onSignedIn: (token: string, role: string) => void;
  intro?: ReactNode;
}) {
  const { t } = useTranslation();
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const submission = useSubmit(
    async () => {
      const res = await api<{ token: string; role: string }>(app, '/v1/auth/login', {
        body: { login, password },
      });
      if (!roles.includes(res.role)) {
        // Do not leave a session of the wrong kind behind.
        session.set(app, res.token);
        await api(app, '/v1/auth/logout', { method: 'POST' }).catch(() => undefined);
        session.clear(app);
        throw new ApiError(403, 'wrong_role', t('wrongRole'));
      }
      onSignedIn(res.token, res.role);
    },
    ['login', 'password'],
    { invalid_credentials: 'password' },
  );
  return (
    <section className="card narrow" aria-labelledby="login-title">
      <h2 id="login-title">{t('signIn')}</h2>
      {intro}
      <Form submission={submission}>
        <Field
          label={t('login')}
          name="login"
          autoComplete="username"
          value={login}
          onChange={(e) => setLogin(e.target.value)}
          error={submission.fieldError('login')}
          required
        />
        <Field
          label={t('password')}
          name="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          error={submission.fieldError('password')}
          required
        />
        <SubmitButton busy={submission.busy}>{t('signIn')}</SubmitButton>
      </Form>
    </section>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router-dom';
import { ApiError } from '../shared/api.ts';
import { Field, Form, LoadState, Notice, SubmitButton, useSubmit, type Loaded } from '../shared/ui.tsx';
import { call, withIdProblem } from './client.ts';
import type { IdentityResult, Me } from './types.ts';

const FIELDS = ['photo', 'name', 'idNumber'] as const;
const PHOTO_CODES = {
  photo_missing: 'photo',
  photo_required: 'photo',
  invalid_image: 'photo',
  payload_too_large: 'photo',
  unsupported_media_type: 'photo',
};

/** Identity verification: the ID photo, then the name and ID number matched against the registry. */
export function Identity({ me }: { me: Loaded<Me> }) {
  const { t } = useTranslation('person');
  return (
    <section className="card" aria-labelledby="identity-title">
      <h2 id="identity-title">{t('identity.title')}</h2>
      <LoadState loaded={me}>
        {(m) => {
          const p = m.person;
          if (!p) return null;
          if (p.identityStatus === 'verified')
            return (
              <>
                <Notice>{t('identity.verified')}</Notice>
                <Link className="button primary" to="/app/ecard">
                  {t('identity.apply')}
                </Link>
              </>
            );
          if (p.identityStatus === 'pending_review')
            return (
              <Notice>
                {t('identity.pending')}{' '}
                {p.identityReason && t('identity.reason', { reason: p.identityReason })}
              </Notice>
            );
          return (
            <>
              {p.identityStatus === 'rejected' && (
                <div className="banner error" role="alert">
                  {t('identity.rejected', { reason: p.identityReason ?? '' })}
                </div>
              )}
              <IdentityForm initialName={p.name} initialIdNumber={p.idNumber} onDone={me.reload} />
            </>
          );
        }}
      </LoadState>
    </section>
  );
}

function IdentityForm({
  initialName,
  initialIdNumber,
  onDone,
}: {
  initialName: string;
  initialIdNumber: string;
  onDone: () => void;
}) {
  const { t } = useTranslation('person');
  const [photo, setPhoto] = useState<File | null>(null);
  const [name, setName] = useState(initialName);
  const [idNumber, setIdNumber] = useState(initialIdNumber);
  const submission = useSubmit(
    async () => {
      if (!photo) throw new ApiError(400, 'photo_missing', t('errors.photo_missing'));
      await call('/v1/me/identity/photo', { body: photo });
      const res = await call<IdentityResult>('/v1/me/identity', {
        body: { name, idNumber: idNumber.trim() },
      }).catch((err: unknown) => {
        throw withIdProblem(err);
      });
      onDone();
      return res;
    },
    FIELDS,
    PHOTO_CODES,
  );
  return (
    <>
      <p>{t('identity.intro')}</p>
      <Form submission={submission}>
        <Field
          label={t('identity.photo')}
          name="photo"
          type="file"
          accept="image/jpeg,image/png"
          onChange={(e) => setPhoto(e.target.files?.[0] ?? null)}
          error={submission.fieldError('photo')}
          required
        />
        <Field
          label={t('identity.name')}
          name="name"
          value={name}
          onChange={(e) => setName(e.target.value)}
          error={submission.fieldError('name')}
          required
        />
        <Field
          label={t('identity.idNumber')}
          name="idNumber"
          value={idNumber}
          onChange={(e) => setIdNumber(e.target.value)}
          error={submission.fieldError('idNumber')}
          required
        />
        <SubmitButton busy={submission.busy}>{t('identity.submit')}</SubmitButton>
      </Form>
    </>
  );
}

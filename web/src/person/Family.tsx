import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Checkbox, ErrorBanner, LoadState, Notice, useLoad } from '../shared/ui.tsx';
import { call } from './client.ts';
import { ConfirmButton } from './Confirm.tsx';
import { BindForm } from './BindForm.tsx';
import { FamilyRequests } from './FamilyRequests.tsx';
import type { Binding } from './types.ts';

/** Family: the relatives I bound and their permissions, binding more, and the requests naming me. */
export function Family() {
  const { t } = useTranslation('person');
  const family = useLoad(() => call<{ relatives: Binding[] }>('/v1/me/family'));
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <section className="card" aria-labelledby="family-title">
      <h2 id="family-title">{t('family.title')}</h2>
      {notice && <Notice>{notice}</Notice>}
      <section aria-labelledby="bound-title" className="section">
        <h3 id="bound-title">{t('family.bound')}</h3>
        <LoadState loaded={family}>
          {(f) =>
            f.relatives.length === 0 ? (
              <p className="muted">{t('family.noneBound')}</p>
            ) : (
              <ul className="plain list">
                {f.relatives.map((b) => (
                  <RelativeItem
                    // A fresh item once the server's answer is back, so the boxes show what it holds.
                    key={`${b.id}-${b.mutualAid}-${b.cardDisplay}`}
                    binding={b}
                    onChanged={(text) => {
                      setNotice(text);
                      family.reload();
                    }}
                  />
                ))}
              </ul>
            )
          }
        </LoadState>
      </section>
      <BindForm onBound={family.reload} />
      <FamilyRequests />
    </section>
  );
}

function RelativeItem({ binding: b, onChanged }: { binding: Binding; onChanged: (text: string) => void }) {
  const { t } = useTranslation('person');
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  // What the person just ticked shows at once; a refusal puts the boxes back.
  const [ticked, setTicked] = useState<{ mutualAid?: boolean; cardDisplay?: boolean }>({});
  const run = async (action: () => Promise<unknown>, text: string) => {
    setBusy(true);
    setError(null);
    try {
      await action();
      onChanged(text);
    } catch (err) {
      setError(err);
      setTicked({});
    } finally {
      setBusy(false);
    }
  };
  const setPermission = (body: { mutualAid?: boolean; cardDisplay?: boolean }) => {
    setTicked((prev) => ({ ...prev, ...body }));
    return run(() => call(`/v1/me/family/${b.id}`, { method: 'PATCH', body }), t('family.updated'));
  };
  const name = `${b.relativeName}（${t(`kinship.${b.kinship}`)}）`;
  return (
    <li className="relative" aria-label={name}>
      <strong>{b.relativeName}</strong> <span className="badge">{t(`kinship.${b.kinship}`)}</span>{' '}
      <span className="muted">{b.relativeIdNumber}</span>
      <ErrorBanner error={error} />
      <Checkbox
        label={t('family.mutualAidLabel')}
        checked={ticked.mutualAid ?? b.mutualAid}
        disabled={busy}
        onChange={(e) => void setPermission({ mutualAid: e.target.checked })}
      />
      <Checkbox
        label={t('family.displayLabel')}
        checked={ticked.cardDisplay ?? (b.cardDisplay !== 'off' && b.cardDisplay !== 'declined')}
        disabled={busy}
        onChange={(e) => void setPermission({ cardDisplay: e.target.checked })}
      />
      <p className="muted">{t('family.displayStatus', { status: t(`cardDisplay.${b.cardDisplay}`) })}</p>
      <ConfirmButton
        label={t('family.unbind')}
        question={t('family.unbindConfirm', { name: b.relativeName })}
        busy={busy}
        onConfirm={() => run(() => call(`/v1/me/family/${b.id}`, { method: 'DELETE' }), t('family.unbound'))}
      />
    </li>
  );
}

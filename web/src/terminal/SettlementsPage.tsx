import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate } from 'react-router-dom';
import { ApiError } from '../shared/api.ts';
import { Field, Form, Money, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { recentSettlements } from './recent.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The settlements made on this till in this session, and any settlement of the institution by its number. */
export function SettlementsPage() {
  const { t } = useTranslation('terminal');
  const navigate = useNavigate();
  const [id, setId] = useState('');
  const recent = recentSettlements();
  const open = useSubmit(async () => {
    const value = id.trim();
    if (!UUID.test(value)) throw new ApiError(400, 'bad_id', t('settlements.badId'), { field: 'id' });
    await navigate(`/terminal/settlements/${value}`);
  }, ['id']);
  return (
    <div className="grid">
      <section className="card" aria-labelledby="recent-title">
        <h2 id="recent-title">{t('settlements.recent')}</h2>
        {recent.length === 0 ? (
          <p className="muted">{t('settlements.none')}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t('settlements.at')}</th>
                <th scope="col">{t('settlements.person')}</th>
                <th scope="col" className="num">
                  {t('breakdown.total')}
                </th>
              </tr>
            </thead>
            <tbody>
              {recent.map((r) => (
                <tr key={r.id}>
                  <td>
                    <Link to={`/terminal/settlements/${r.id}`}>{new Date(r.at).toLocaleString()}</Link>
                  </td>
                  <td>{r.maskedName}</td>
                  <td className="num">
                    <Money fen={r.total} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="card" aria-labelledby="open-title">
        <h2 id="open-title">{t('settlements.openTitle')}</h2>
        <Form submission={open}>
          <Field
            label={t('settlements.id')}
            name="id"
            autoComplete="off"
            value={id}
            onChange={(e) => setId(e.target.value)}
            hint={t('settlements.idHint')}
            error={open.fieldError('id')}
          />
          <SubmitButton busy={open.busy}>{t('settlements.open')}</SubmitButton>
        </Form>
      </section>
    </div>
  );
}

import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../shared/api.ts';
import { todayInBeijing } from '../shared/dates.ts';
import { parseYuan } from '../shared/money.ts';
import {
  Field,
  Form,
  LoadState,
  Money,
  Notice,
  Select,
  SubmitButton,
  useLoad,
  useSubmit,
} from '../shared/ui.tsx';
import { Badge, Section } from './components.tsx';
import {
  APPROVAL_KINDS,
  SPECIAL_OUTPATIENT_DISEASES,
  type Approval,
  type ApprovalKind,
  type NewApproval,
} from './types.ts';

/** A person's approvals (special outpatient diseases, large-equipment exams, special materials): list, register, revoke. */
export function ApprovalsPanel({ personId }: { personId: string }) {
  const { t } = useTranslation('console');
  const list = useLoad(
    () => api<{ approvals: Approval[] }>('console', `/v1/staff/persons/${personId}/approvals`),
    [personId],
  );
  const [notice, setNotice] = useState<string | null>(null);
  return (
    <Section title={t('approvals.title')}>
      {notice && <Notice>{notice}</Notice>}
      <LoadState loaded={list}>
        {({ approvals }) =>
          approvals.length === 0 ? (
            <p className="muted">{t('approvals.none')}</p>
          ) : (
            <table aria-label={t('approvals.title')}>
              <thead>
                <tr>
                  <th>{t('approvals.kind')}</th>
                  <th>{t('approvals.subject')}</th>
                  <th>{t('approvals.institution')}</th>
                  <th className="num">{t('approvals.referencePrices')}</th>
                  <th>{t('approvals.valid')}</th>
                  <th>{t('common.status')}</th>
                  <th>{t('common.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {approvals.map((a) => (
                  <tr key={a.id} data-approval={a.id}>
                    <td>{t(`approvals.kinds.${a.kind}`)}</td>
                    <td>
                      <ApprovalSubject approval={a} />
                    </td>
                    <td>{a.institutionName ?? t('approvals.anyInstitution')}</td>
                    <td className="num">
                      {a.domesticReferencePrice !== null && (
                        <div>
                          {t('approvals.domestic')} <Money fen={a.domesticReferencePrice} />
                        </div>
                      )}
                      {a.importedReferencePrice !== null && (
                        <div>
                          {t('approvals.imported')} <Money fen={a.importedReferencePrice} />
                        </div>
                      )}
                      {a.domesticReferencePrice === null && a.importedReferencePrice === null && '—'}
                    </td>
                    <td>
                      {a.validFrom} – {a.validTo}
                    </td>
                    <td>
                      <Badge tone={a.status === 'active' ? 'ok' : 'bad'}>
                        {t(`approvals.statuses.${a.status}`)}
                      </Badge>
                      {a.revokeReason && <div className="muted">{a.revokeReason}</div>}
                    </td>
                    <td>
                      {a.status === 'active' && (
                        <Revoke
                          approval={a}
                          onRevoked={() => {
                            setNotice(t('approvals.revokedNotice'));
                            list.reload();
                          }}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </LoadState>
      <Register
        personId={personId}
        onRegistered={() => {
          setNotice(t('approvals.registeredNotice'));
          list.reload();
        }}
      />
    </Section>
  );
}

function ApprovalSubject({ approval }: { approval: Approval }) {
  const { t } = useTranslation('console');
  return approval.kind === 'special_outpatient' ? (
    <>{t(`approvals.diseases.${approval.subject}`, { defaultValue: approval.subject })}</>
  ) : (
    <>{approval.subject}</>
  );
}

function Revoke({ approval, onRevoked }: { approval: Approval; onRevoked: () => void }) {
  const { t } = useTranslation('console');
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const submission = useSubmit(async () => {
    await api('console', `/v1/staff/persons/${approval.personId}/approvals/${approval.id}/revoke`, {
      body: { reason: reason.trim() },
    });
    onRevoked();
  }, ['reason']);
  if (!open)
    return (
      <button type="button" className="danger" onClick={() => setOpen(true)}>
        {t('approvals.revoke')}
      </button>
    );
  return (
    <Form submission={submission} label={t('approvals.revoke')}>
      <Field
        label={t('approvals.revokeReason')}
        name="reason"
        value={reason}
        maxLength={500}
        onChange={(e) => setReason(e.target.value)}
        error={submission.fieldError('reason')}
      />
      <div className="row actions">
        <button type="submit" className="danger" disabled={submission.busy}>
          {t('approvals.confirmRevoke')}
        </button>
        <button type="button" onClick={() => setOpen(false)}>
          {t('cancel', { ns: 'common' })}
        </button>
      </div>
    </Form>
  );
}

function Register({ personId, onRegistered }: { personId: string; onRegistered: () => void }) {
  const { t } = useTranslation('console');
  const today = todayInBeijing();
  const [kind, setKind] = useState<ApprovalKind>('special_outpatient');
  const [disease, setDisease] = useState<string>(SPECIAL_OUTPATIENT_DISEASES[0]);
  const [code, setCode] = useState('');
  const [institutionCode, setInstitutionCode] = useState('');
  const [domestic, setDomestic] = useState('');
  const [imported, setImported] = useState('');
  const [validFrom, setValidFrom] = useState(today);
  const [validTo, setValidTo] = useState(`${Number(today.slice(0, 4)) + 1}-12-31`);
  const [priceError, setPriceError] = useState<string | null>(null);
  const submission = useSubmit(
    async () => {
      const body: NewApproval = {
        kind,
        subject: kind === 'special_outpatient' ? disease : code.trim(),
        validFrom,
        validTo,
      };
      if (institutionCode.trim()) body.institutionCode = institutionCode.trim().toUpperCase();
      if (kind === 'special_material') {
        for (const [text, key] of [
          [domestic, 'domesticReferencePrice'],
          [imported, 'importedReferencePrice'],
        ] as const) {
          if (!text.trim()) continue;
          const fen = parseYuan(text);
          if (fen === null || fen <= 0) {
            setPriceError(key);
            return;
          }
          body[key] = fen;
        }
      }
      setPriceError(null);
      await api('console', `/v1/staff/persons/${personId}/approvals`, { body });
      setCode('');
      onRegistered();
    },
    [
      'subject',
      'institutionCode',
      'domesticReferencePrice',
      'importedReferencePrice',
      'validFrom',
      'validTo',
    ],
    { catalogue_code_unknown: 'subject', institution_not_found: 'institutionCode' },
  );
  const priceFieldError = (key: string) =>
    priceError === key ? t('approvals.badPrice') : submission.fieldError(key);
  return (
    <Form submission={submission} label={t('approvals.register')}>
      <h4>{t('approvals.register')}</h4>
      <div className="row">
        <Select
          label={t('approvals.kind')}
          value={kind}
          onChange={(e) => setKind(e.target.value as ApprovalKind)}
          options={APPROVAL_KINDS.map((k) => ({ value: k, label: t(`approvals.kinds.${k}`) }))}
        />
        {kind === 'special_outpatient' ? (
          <Select
            label={t('approvals.disease')}
            value={disease}
            onChange={(e) => setDisease(e.target.value)}
            options={SPECIAL_OUTPATIENT_DISEASES.map((d) => ({
              value: d,
              label: t(`approvals.diseases.${d}`),
            }))}
          />
        ) : (
          <Field
            label={t('approvals.catalogueCode')}
            name="subject"
            value={code}
            maxLength={50}
            onChange={(e) => setCode(e.target.value)}
            error={submission.fieldError('subject')}
          />
        )}
        <Field
          label={t('approvals.institutionCode')}
          hint={t('approvals.institutionHint')}
          name="institutionCode"
          value={institutionCode}
          maxLength={12}
          onChange={(e) => setInstitutionCode(e.target.value)}
          error={submission.fieldError('institutionCode')}
        />
      </div>
      {kind === 'special_material' && (
        <div className="row">
          <Field
            label={t('approvals.domesticPrice')}
            name="domesticReferencePrice"
            inputMode="decimal"
            value={domestic}
            onChange={(e) => setDomestic(e.target.value)}
            error={priceFieldError('domesticReferencePrice')}
          />
          <Field
            label={t('approvals.importedPrice')}
            name="importedReferencePrice"
            inputMode="decimal"
            value={imported}
            onChange={(e) => setImported(e.target.value)}
            error={priceFieldError('importedReferencePrice')}
          />
        </div>
      )}
      <div className="row">
        <Field
          label={t('approvals.validFrom')}
          name="validFrom"
          type="date"
          value={validFrom}
          onChange={(e) => setValidFrom(e.target.value)}
          error={submission.fieldError('validFrom')}
        />
        <Field
          label={t('approvals.validTo')}
          name="validTo"
          type="date"
          value={validTo}
          onChange={(e) => setValidTo(e.target.value)}
          error={submission.fieldError('validTo')}
        />
      </div>
      <SubmitButton busy={submission.busy}>{t('approvals.registerButton')}</SubmitButton>
    </Form>
  );
}

import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, api } from '../shared/api.ts';
import { Field, Form, SubmitButton, useSubmit } from '../shared/ui.tsx';
import { CameraScanner } from './CameraScanner.tsx';
import { decodeImageFile } from './qr-decode.ts';
import type { Eligibility, Payer } from './types.ts';

/**
 * Identifies the payer: the customer's QR code (camera, an uploaded or pasted image, or the text a hand
 * scanner types), or the physical card with its chip PIN. Then POST /v1/terminal/scan checks it.
 */
export function ScanPanel({ onScanned }: { onScanned: (payer: Payer, eligibility: Eligibility) => void }) {
  const { t } = useTranslation('terminal');
  const [qr, setQr] = useState('');
  const qrRef = useRef('');
  const [imageError, setImageError] = useState<string>();
  const [cardNumber, setCardNumber] = useState('');
  const [cardPin, setCardPin] = useState('');

  const scan = async (payer: Payer) => {
    const eligibility = await api<Eligibility>('terminal', '/v1/terminal/scan', { body: payer });
    onScanned(payer, eligibility);
  };
  const qrSubmission = useSubmit(async () => {
    const text = qrRef.current.trim();
    if (!text) throw new ApiError(400, 'qr_empty', t('scan.textEmpty'), { field: 'qr' });
    await scan({ qr: text });
  }, ['qr']);
  const cardSubmission = useSubmit(
    () => scan({ card: { number: cardNumber.trim(), pin: cardPin } }),
    ['number', 'pin'],
    { wrong_pin: 'pin', pin_locked: 'pin', pin_not_set: 'pin', card_not_found: 'number' },
  );

  const setText = (text: string) => {
    qrRef.current = text;
    setQr(text);
  };
  /** A code read from a picture is checked at once, as a hand scanner's Enter would. */
  const decoded = (text: string) => {
    setImageError(undefined);
    setText(text);
    void qrSubmission.submit();
  };
  const readImage = async (file: Blob) => {
    setImageError(undefined);
    try {
      const text = await decodeImageFile(file);
      if (text) decoded(text);
      else setImageError(t('scan.noCode'));
    } catch {
      setImageError(t('scan.badImage'));
    }
  };

  // A picture pasted anywhere on the page (Ctrl+V of a screenshot) is read like an upload.
  const readImageRef = useRef(readImage);
  useEffect(() => {
    readImageRef.current = readImage;
  });
  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = [...(e.clipboardData?.files ?? [])].find((f) => f.type.startsWith('image/'));
      if (!file) return;
      e.preventDefault();
      void readImageRef.current(file);
    };
    document.addEventListener('paste', onPaste);
    return () => document.removeEventListener('paste', onPaste);
  }, []);

  return (
    <section className="card" aria-labelledby="scan-title">
      <h2 id="scan-title">{t('scan.title')}</h2>
      <Form submission={qrSubmission} label={t('scan.qrForm')}>
        <Field
          autoFocus
          label={t('scan.text')}
          name="qr"
          autoComplete="off"
          spellCheck={false}
          value={qr}
          onChange={(e) => setText(e.target.value)}
          hint={t('scan.textHint')}
          error={qrSubmission.fieldError('qr')}
        />
        <SubmitButton busy={qrSubmission.busy}>{t('scan.check')}</SubmitButton>
      </Form>
      <div className="scan-sources">
        <CameraScanner onDecoded={decoded} />
        <Field
          label={t('scan.image')}
          name="qrImage"
          type="file"
          accept="image/*"
          hint={t('scan.imageHint')}
          error={imageError}
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void readImage(file);
          }}
        />
      </div>
      <h3>{t('scan.cardTitle')}</h3>
      <Form submission={cardSubmission} label={t('scan.cardTitle')}>
        <div className="row">
          <Field
            label={t('scan.cardNumber')}
            name="number"
            autoComplete="off"
            value={cardNumber}
            onChange={(e) => setCardNumber(e.target.value)}
            error={cardSubmission.fieldError('number')}
            required
          />
          <Field
            label={t('scan.cardPin')}
            name="pin"
            type="password"
            inputMode="numeric"
            autoComplete="off"
            maxLength={6}
            value={cardPin}
            onChange={(e) => setCardPin(e.target.value)}
            error={cardSubmission.fieldError('pin')}
            required
          />
        </div>
        <SubmitButton busy={cardSubmission.busy}>{t('scan.readCard')}</SubmitButton>
      </Form>
    </section>
  );
}

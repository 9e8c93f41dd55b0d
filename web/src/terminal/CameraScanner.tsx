import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { decodeDrawable } from './qr-decode.ts';

type CameraState = 'off' | 'starting' | 'scanning';

/** How often a frame is decoded: often enough to feel instant, rarely enough to leave the till responsive. */
const DECODE_EVERY_MS = 150;

/**
 * Reads the customer's QR code with the till's camera: getUserMedia into a <video>, frames drawn into a
 * canvas and decoded with jsQR. Stops the camera as soon as a code is read, on Stop, and when it unmounts.
 */
export function CameraScanner({ onDecoded }: { onDecoded: (text: string) => void }) {
  const { t } = useTranslation('terminal');
  const [state, setState] = useState<CameraState>('off');
  const [error, setError] = useState<string>();
  const videoRef = useRef<HTMLVideoElement>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const streamRef = useRef<MediaStream | null>(null);
  const frameRef = useRef<number | null>(null);
  const onDecodedRef = useRef(onDecoded);
  useEffect(() => {
    onDecodedRef.current = onDecoded;
  });

  const stop = useCallback(() => {
    if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
    frameRef.current = null;
    for (const track of streamRef.current?.getTracks() ?? []) track.stop();
    streamRef.current = null;
    if (videoRef.current) videoRef.current.srcObject = null;
    setState('off');
  }, []);
  useEffect(() => stop, [stop]);

  const start = async () => {
    setError(undefined);
    if (!navigator.mediaDevices?.getUserMedia) {
      setError(t('camera.unsupported'));
      return;
    }
    setState('starting');
    try {
      const stream = await navigator.mediaDevices.getUserMedia({
        video: { facingMode: 'environment' },
        audio: false,
      });
      streamRef.current = stream;
      setState('scanning');
    } catch (err) {
      const name = err instanceof DOMException ? err.name : '';
      setError(
        name === 'NotAllowedError' || name === 'SecurityError'
          ? t('camera.denied')
          : name === 'NotFoundError' || name === 'OverconstrainedError'
            ? t('camera.none')
            : t('camera.failed'),
      );
      setState('off');
    }
  };

  // Once the video element is on screen, feed it the stream and decode frames until a code is read.
  useEffect(() => {
    const video = videoRef.current;
    const stream = streamRef.current;
    if (state !== 'scanning' || !video || !stream) return;
    video.srcObject = stream;
    void video.play().catch(() => undefined);
    let last = 0;
    const tick = (now: number) => {
      frameRef.current = requestAnimationFrame(tick);
      if (now - last < DECODE_EVERY_MS || video.readyState < 2 || !canvasRef.current) return;
      last = now;
      const text = decodeDrawable(canvasRef.current, video, video.videoWidth, video.videoHeight, 720);
      if (text) {
        stop();
        onDecodedRef.current(text);
      }
    };
    frameRef.current = requestAnimationFrame(tick);
    return () => {
      if (frameRef.current !== null) cancelAnimationFrame(frameRef.current);
    };
  }, [state, stop]);

  return (
    <div className="camera" data-state={state}>
      {state === 'off' ? (
        <button type="button" onClick={() => void start()}>
          {t('camera.start')}
        </button>
      ) : (
        <button type="button" onClick={stop}>
          {t('camera.stop')}
        </button>
      )}
      {state === 'starting' && (
        <p className="muted" role="status">
          {t('camera.starting')}
        </p>
      )}
      {state === 'scanning' && (
        <>
          <video ref={videoRef} className="camera-video" muted playsInline aria-label={t('camera.video')} />
          <p className="muted" role="status">
            {t('camera.scanning')}
          </p>
        </>
      )}
      <canvas ref={canvasRef} hidden />
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

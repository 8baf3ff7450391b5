/**
 * Pairing by code, both sides: PairShow makes a code on this machine (text and QR code, its time limit), PairJoin
 * enters the other machine's code. The Peers page and the first-run guide show both.
 */
import { useState } from 'react';
import type { PairStartResult } from '../../../shared/bridge.ts';
import { QrCode } from '../../components/QrCode.tsx';
import { bridge } from '../../bridge/index.ts';
import { Card, ErrorNote, Field } from '../../components/ui.tsx';
import { formatTime, shortId } from '../../format.ts';
import { useApp } from '../../store/app.ts';
import { t as translate, useT } from '../../i18n/index.ts';

export function PairShow() {
  const t = useT();
  const [pair, setPair] = useState<PairStartResult>();
  const [error, setError] = useState<unknown>();
  const [name, setName] = useState('');
  const start = async () => {
    setError(undefined);
    try {
      setPair(await bridge().peers.pairStart({ name: name || undefined, timeoutSeconds: 300 }));
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('peers.showTitle')} testId="pair-show">
      <p className="muted small" style={{ marginTop: 0 }}>
        {t('peers.showHelp')}
      </p>
      {pair ? (
        <div className="stack" style={{ gap: 8 }}>
          <div className="code-box" data-testid="pair-code">
            {pair.code}
          </div>
          <div className="small muted">
            {t('peers.validUntil', { time: formatTime(Date.parse(pair.expiresAt)) })} <b>{pair.name}</b>
          </div>
          <QrCode value={pair.fullCode} label={t('peers.qr', { name: pair.name })} />
          <details>
            <summary className="small">{t('peers.fullCode')}</summary>
            <div className="mono small" style={{ overflowWrap: 'anywhere' }} data-testid="pair-full-code">
              {pair.fullCode}
            </div>
          </details>
          <div className="mono small muted" style={{ overflowWrap: 'anywhere' }}>
            {t('peers.cli', { code: pair.fullCode })}
          </div>
        </div>
      ) : (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void start();
          }}
        >
          <input
            placeholder={t('peers.namePlaceholder')}
            value={name}
            onChange={(e) => setName(e.target.value)}
            style={{ flex: 1 }}
          />
          <button type="submit" className="primary" data-testid="pair-start">
            {t('peers.showCode')}
          </button>
        </form>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </Card>
  );
}

export function PairJoin({
  onPaired,
  code,
  setCode,
}: {
  onPaired: () => void;
  code: string;
  setCode: (c: string) => void;
}) {
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const toast = useApp((s) => s.toast);
  const t = useT();
  const join = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const p = await bridge().peers.pairJoin({
        code: code.trim(),
        address: address.trim() || undefined,
        name: name.trim() || undefined,
      });
      toast('success', translate('peers.pairedWith', { name: p.name ?? shortId(p.id) }));
      setCode('');
      onPaired();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('peers.joinTitle')} testId="pair-join">
      <form
        className="stack"
        style={{ gap: 10 }}
        onSubmit={(e) => {
          e.preventDefault();
          void join();
        }}
      >
        <div className="form-grid">
          <Field label={t('peers.code')}>
            <input
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder={t('peers.codePlaceholder')}
              autoFocus={code.length > 0 && code.length < 5}
              data-testid="pair-code-input"
            />
          </Field>
          <Field label={t('peers.address')}>
            <input
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              placeholder={t('peers.addressPlaceholder')}
              data-testid="pair-address"
            />
          </Field>
          <Field label={t('peers.nameOptional')}>
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="pair-name" />
          </Field>
        </div>
        <div className="row">
          <button type="submit" className="primary" disabled={busy || !code.trim()} data-testid="pair-join-submit">
            {busy ? t('peers.pairing') : t('peers.pair')}
          </button>
        </div>
        {error !== undefined && <ErrorNote error={error} />}
      </form>
    </Card>
  );
}

/**
 * Shown while the daemon that serves this page cannot be reached (stopped, restarting, machine asleep): what
 * happened, that Warp keeps trying by itself, and a button to try now. The page's actions are disabled
 * meanwhile (App wraps the page in a disabled fieldset), so nothing is clicked into the void.
 */
import { useEffect, useState } from 'react';
import { Trans } from 'react-i18next';
import { getBridge } from '../bridge/index.ts';
import { formatDuration } from '../format.ts';
import { i18n, useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';

export function ConnectionBanner() {
  const lostSince = useApp((s) => s.lostSince);
  const [now, setNow] = useState(Date.now());
  const t = useT();
  useEffect(() => {
    if (lostSince === undefined) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [lostSince]);
  if (lostSince === undefined) return null;
  return (
    <div className="conn-banner" role="alert" data-testid="connection-lost">
      <span className="dot red" aria-hidden />
      <div>
        <b>{t('connection.lost')}</b>
        <div className="small">
          <Trans
            i18n={i18n}
            i18nKey="connection.detail"
            values={{ elapsed: formatDuration((now - lostSince) / 1000) }}
            components={{ code: <code /> }}
          />
        </div>
      </div>
      <button type="button" className="small" onClick={() => getBridge().http?.reconnect()}>
        {t('connection.retry')}
      </button>
    </div>
  );
}

/** Web mode without a session: explain how to sign in (the URL `warp daemon` prints) or take a pasted token. */
import { useState } from 'react';
import { Trans } from 'react-i18next';
import { getBridge } from '../bridge/index.ts';
import { i18n, useT } from '../i18n/index.ts';
import { useApp } from '../store/app.ts';

export function LoginGate() {
  const connection = useApp((s) => s.connection);
  const [token, setToken] = useState('');
  const t = useT();
  if (connection !== 'unauthorized') return null;
  return (
    <div className="overlay" role="dialog" aria-modal="true" aria-labelledby="login-title">
      <form
        className="card login"
        onSubmit={(e) => {
          e.preventDefault();
          if (token.trim()) getBridge().http?.setToken(token.trim());
        }}
      >
        <h2 id="login-title">{t('login.title')}</h2>
        <p>
          <Trans i18n={i18n} i18nKey="login.body" components={{ code: <code /> }} />
        </p>
        <input
          type="password"
          autoComplete="off"
          placeholder={t('login.token')}
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-label={t('login.token')}
        />
        <button type="submit" className="primary" disabled={!token.trim()}>
          {t('login.signIn')}
        </button>
      </form>
    </div>
  );
}

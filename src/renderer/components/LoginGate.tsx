/** Web mode without a session: explain how to sign in (the URL `warp daemon` prints) or take a pasted token. */
import { useState } from 'react';
import { getBridge } from '../bridge/index.ts';
import { useApp } from '../store/app.ts';

export function LoginGate() {
  const connection = useApp((s) => s.connection);
  const [token, setToken] = useState('');
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
        <h2 id="login-title">Sign in to this Warp daemon</h2>
        <p>
          Open the address that <code>warp daemon</code> printed when it started (it signs this browser in), or paste
          the token that <code>warp daemon token</code> prints.
        </p>
        <input
          type="password"
          autoComplete="off"
          placeholder="daemon token"
          value={token}
          onChange={(e) => setToken(e.target.value)}
          aria-label="daemon token"
        />
        <button type="submit" className="primary" disabled={!token.trim()}>
          Sign in
        </button>
      </form>
    </div>
  );
}

/** Peers: this machine's identity and addresses, pairing with a short code (either side), paired peers. */
import { useEffect, useState } from 'react';
import type { PairStartResult } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../components/ui.tsx';
import { shortId } from '../format.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';

export function PeersPage() {
  const peers = useResources((s) => s.peers);
  const self = useResources((s) => s.self);
  const error = useResources((s) => s.errors.peers);
  const load = useResources((s) => s.loadPeers);
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    void load();
  }, [load]);
  const remove = async (id: string) => {
    try {
      await bridge().peers.remove(id);
      await load();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  return (
    <>
      <PageHeader
        title="Peers"
        subtitle="Machines this one trusts. Pairing exchanges identities over an encrypted channel; no account, no server."
      />
      <div className="stack">
        <Card title="This machine" testId="self">
          {self ? (
            <dl className="kv">
              <dt>Peer id</dt>
              <dd className="mono" data-testid="self-id">
                {self.peerId}
              </dd>
              <dt>Addresses</dt>
              <dd className="mono">
                {self.addresses.length ? (
                  self.addresses.map((a) => <div key={a}>{a}</div>)
                ) : (
                  <span className="muted">not listening</span>
                )}
              </dd>
            </dl>
          ) : error ? (
            <ErrorNote>{error}</ErrorNote>
          ) : (
            <p className="muted">Loading…</p>
          )}
        </Card>
        <div className="grid two">
          <PairShow />
          <PairJoin onPaired={() => void load()} />
        </div>
        <Card title="Paired peers" testId="peers">
          {!peers?.length ? (
            <Empty icon="◎" title="No peers yet">
              Pair with another machine running Warp.
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Peer id</th>
                    <th className="hide-phone">Address</th>
                    <th className="hide-phone">Added</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {peers.map((p) => (
                    <tr key={p.id} data-testid="peer-row">
                      <td>
                        {p.name ?? <span className="muted">unnamed</span>}{' '}
                        <Badge status={p.via === 'pair' ? 'done' : 'idle'}>{p.via}</Badge>
                      </td>
                      <td className="mono" style={{ overflowWrap: 'anywhere' }}>
                        {p.id}
                      </td>
                      <td className="mono hide-phone">{p.address ?? '—'}</td>
                      <td className="hide-phone small">{new Date(p.addedAt).toLocaleDateString()}</td>
                      <td>
                        <button type="button" className="small danger" onClick={() => void remove(p.id)}>
                          Remove
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
      </div>
    </>
  );
}

function PairShow() {
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
    <Card title="Show a pairing code" testId="pair-show">
      <p className="muted small" style={{ marginTop: 0 }}>
        Let another machine pair with this one: it enters the code and one of these addresses.
      </p>
      {pair ? (
        <div className="stack" style={{ gap: 8 }}>
          <div className="code-box" data-testid="pair-code">
            {pair.code}
          </div>
          <div className="small muted">valid until {new Date(pair.expiresAt).toLocaleTimeString()}</div>
          <div className="mono small">
            {pair.addresses.map((a) => (
              <div key={a}>{a}</div>
            ))}
          </div>
          <div className="mono small muted">
            warp pair {pair.code} {pair.addresses[0] ?? '<address>'}
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
            placeholder="name for the peer (optional)"
            value={name}
            onChange={(e) => setName(e.target.value)}
            style={{ flex: 1 }}
          />
          <button type="submit" className="primary" data-testid="pair-start">
            Show code
          </button>
        </form>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </Card>
  );
}

function PairJoin({ onPaired }: { onPaired: () => void }) {
  const [code, setCode] = useState('');
  const [address, setAddress] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const toast = useApp((s) => s.toast);
  const join = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const p = await bridge().peers.pairJoin({
        code: code.trim(),
        address: address.trim(),
        name: name.trim() || undefined,
      });
      toast('success', `Paired with ${p.name ?? shortId(p.id)}`);
      setCode('');
      onPaired();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title="Enter a pairing code" testId="pair-join">
      <form
        className="stack"
        style={{ gap: 10 }}
        onSubmit={(e) => {
          e.preventDefault();
          void join();
        }}
      >
        <div className="form-grid">
          <Field label="Code">
            <input
              value={code}
              onChange={(e) => setCode(e.target.value)}
              placeholder="e.g. 7-tiger-lamp"
              data-testid="pair-code-input"
            />
          </Field>
          <Field label="Address">
            <input
              value={address}
              onChange={(e) => setAddress(e.target.value)}
              placeholder="host:port"
              data-testid="pair-address"
            />
          </Field>
          <Field label="Name (optional)">
            <input value={name} onChange={(e) => setName(e.target.value)} data-testid="pair-name" />
          </Field>
        </div>
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={busy || !code.trim() || !address.trim()}
            data-testid="pair-join-submit"
          >
            {busy ? 'Pairing…' : 'Pair'}
          </button>
        </div>
        {error !== undefined && <ErrorNote error={error} />}
      </form>
    </Card>
  );
}

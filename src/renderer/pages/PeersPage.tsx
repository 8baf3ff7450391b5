/**
 * Peers: this machine's name, identity and addresses; pairing by code (either side: the short code on the same
 * network, the full code or its QR code from anywhere); Warp devices nearby (LAN discovery), ready to pair; paired
 * peers with their names and addresses, both editable.
 */
import { useEffect, useState } from 'react';
import type { NearbyDto, PairStartResult, PeerDto } from '../../shared/bridge.ts';
import { QrCode } from '../components/QrCode.tsx';
import { ReachLine } from '../components/ReachLine.tsx';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader } from '../components/ui.tsx';
import { formatDate, formatTime, shortId } from '../format.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';
import { t as translate, useT } from '../i18n/index.ts';

export function PeersPage() {
  const t = useT();
  const peers = useResources((s) => s.peers);
  const self = useResources((s) => s.self);
  const error = useResources((s) => s.errors.peers);
  const load = useResources((s) => s.loadPeers);
  const toast = useApp((s) => s.toast);
  useEffect(() => {
    void load();
  }, [load]);
  const nearby = useResources((s) => s.nearby);
  const [joinCode, setJoinCode] = useState('');
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
      <PageHeader title={t('pages.peers')} subtitle={t('peers.subtitle')} />
      <div className="stack">
        <Card title={t('peers.self')} testId="self">
          {self ? (
            <dl className="kv">
              <dt>{t('peers.name')}</dt>
              <dd data-testid="self-name">{self.name}</dd>
              <dt>{t('peers.peerId')}</dt>
              <dd className="mono" data-testid="self-id">
                {self.peerId}
              </dd>
              <dt>{t('peers.addresses')}</dt>
              <dd className="mono">
                {self.addresses.length ? (
                  self.addresses.map((a) => <div key={a}>{a}</div>)
                ) : (
                  <span className="muted">{t('peers.notListening')}</span>
                )}
              </dd>
              {self.reachability && (
                <>
                  <dt>{t('peers.reachability')}</dt>
                  <dd data-testid="self-reach" data-status={self.reachability.status}>
                    <ReachLine r={self.reachability} />
                  </dd>
                </>
              )}
            </dl>
          ) : error ? (
            <ErrorNote>{error}</ErrorNote>
          ) : (
            <p className="muted">{t('peers.loading')}</p>
          )}
        </Card>
        <div className="grid two">
          <PairShow />
          <PairJoin onPaired={() => void load()} code={joinCode} setCode={setJoinCode} />
        </div>
        <PairRequestsCard />
        <NearbyCard devices={nearby} onPair={(lookup) => setJoinCode(`${lookup}-`)} />
        <Card title={t('peers.paired')} testId="peers">
          {!peers?.length ? (
            <Empty icon="◎" title={t('peers.emptyTitle')}>
              {t('peers.emptyBody')}
            </Empty>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>{t('peers.name')}</th>
                    <th>{t('peers.peerId')}</th>
                    <th className="hide-phone">{t('peers.addresses')}</th>
                    <th className="hide-phone">{t('peers.added')}</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {peers.map((p) => (
                    <PeerRow key={p.id} peer={p} onRemove={() => void remove(p.id)} />
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

/** A paired peer: its name (rename in place) and addresses (edit in place, one per line, best first). */
function PeerRow({ peer: p, onRemove }: { peer: PeerDto; onRemove: () => void }) {
  const [editing, setEditing] = useState(false);
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [error, setError] = useState<unknown>();
  const load = useResources((s) => s.loadPeers);
  const t = useT();
  const save = async () => {
    setError(undefined);
    try {
      const addresses = text
        .split('\n')
        .map((a) => a.trim())
        .filter(Boolean);
      await bridge().peers.setAddresses({ peer: p.id, addresses });
      if (name.trim() && name.trim() !== p.name) await bridge().peers.rename({ peer: p.id, name: name.trim() });
      setEditing(false);
      await load();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <tr data-testid="peer-row">
      <td>
        <span data-testid="peer-name">{p.name ?? <span className="muted">{t('peers.unnamed')}</span>}</span>{' '}
        <Badge status={p.via === 'pair' ? 'done' : 'idle'}>{t(`peers.via.${p.via}`)}</Badge>
      </td>
      <td className="mono" style={{ overflowWrap: 'anywhere' }}>
        {shortId(p.id)}
      </td>
      <td className="mono hide-phone small" style={{ overflowWrap: 'anywhere' }}>
        {editing ? (
          <div className="stack" style={{ gap: 6 }}>
            <label className="small">
              {t('peers.name')}
              <input value={name} onChange={(e) => setName(e.target.value)} data-testid="peer-name-input" />
            </label>
            <label className="small">
              {t('peers.addressesEdit')}
              <textarea
                rows={Math.max(2, p.addresses.length)}
                value={text}
                onChange={(e) => setText(e.target.value)}
                data-testid="peer-addresses-input"
              />
            </label>
            <div className="row">
              <button type="button" className="small primary" onClick={() => void save()} data-testid="peer-save">
                {t('peers.save')}
              </button>
              <button type="button" className="small" onClick={() => setEditing(false)}>
                {t('peers.cancel')}
              </button>
            </div>
            {error !== undefined && <ErrorNote error={error} />}
          </div>
        ) : p.addresses.length ? (
          <div data-testid="peer-addresses">
            {p.addresses.map((a) => (
              <div key={a}>{a}</div>
            ))}
            {p.addressesFrom && (
              <div className="muted">
                {t(
                  `peers.from.${p.addressesFrom === 'discovery' || p.addressesFrom === 'contact' || p.addressesFrom === 'manual' ? p.addressesFrom : 'pairing'}`,
                )}
              </div>
            )}
            {p.path && (
              <div className="small" data-testid="peer-path" title={p.path.remote}>
                {pathLine(p.path, t)}
              </div>
            )}
          </div>
        ) : (
          <span className="muted">{t('peers.noAddress')}</span>
        )}
      </td>
      <td className="hide-phone small">{formatDate(p.addedAt)}</td>
      <td>
        <div className="row">
          {!editing && (
            <button
              type="button"
              className="small"
              data-testid="peer-edit"
              onClick={() => {
                setText(p.addresses.join('\n'));
                setName(p.name ?? '');
                setEditing(true);
              }}
            >
              {t('peers.edit')}
            </button>
          )}
          <button type="button" className="small danger" onClick={onRemove}>
            {t('peers.remove')}
          </button>
        </div>
      </td>
    </tr>
  );
}

/** Warp devices on this network (discovery): paired ones marked, unpaired ones one click from pairing. */
function NearbyCard({ devices, onPair }: { devices?: NearbyDto[]; onPair: (lookup: string) => void }) {
  const t = useT();
  const [error, setError] = useState<unknown>();
  const [asking, setAsking] = useState<string>();
  const ask = async (d: NearbyDto) => {
    setError(undefined);
    setAsking(d.peerId);
    try {
      await bridge().peers.pairAsk({ peer: d.peerId });
    } catch (err) {
      setError(err);
    } finally {
      setAsking(undefined);
    }
  };
  return (
    <Card title={t('peers.nearby')} testId="nearby">
      {!devices?.length ? (
        <p className="muted small">{t('peers.nearbyEmpty')}</p>
      ) : (
        <ul className="stack" style={{ listStyle: 'none', padding: 0, gap: 8 }}>
          {devices.map((d) => (
            <li key={d.peerId} className="row" data-testid="nearby-row">
              <b data-testid="nearby-name">{d.name}</b>
              <span className="mono small muted">{shortId(d.peerId)}</span>
              {d.paired ? (
                <Badge status="done">{t('peers.nearbyPaired')}</Badge>
              ) : (
                <>
                  {d.requests && (
                    <button
                      type="button"
                      className="small primary"
                      data-testid="nearby-ask"
                      disabled={asking === d.peerId}
                      onClick={() => void ask(d)}
                    >
                      {asking === d.peerId ? t('pairRequests.asking') : t('pairRequests.ask')}
                    </button>
                  )}
                  {d.pairing ? (
                    <button
                      type="button"
                      className="small"
                      data-testid="nearby-pair"
                      onClick={() => onPair(d.pairing!)}
                    >
                      {t('pairRequests.enterCode')}
                    </button>
                  ) : (
                    !d.requests && <span className="small muted">{t('peers.showCodeOn', { name: d.name })}</span>
                  )}
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {error !== undefined && <ErrorNote error={error} />}
    </Card>
  );
}

/**
 * Pairing requests waiting for a decision: one asked of this machine shows the code to compare with the other
 * screen, and Accept / Reject; one this machine asked shows the same code while the other side decides.
 */
function PairRequestsCard() {
  const t = useT();
  const requests = useResources((s) => s.pairRequests);
  const [error, setError] = useState<unknown>();
  if (!requests?.length) return null;
  const act = async (f: () => Promise<unknown>) => {
    setError(undefined);
    try {
      await f();
    } catch (err) {
      setError(err);
    }
  };
  return (
    <Card title={t('pairRequests.title')} testId="pair-requests">
      <ul className="stack" style={{ listStyle: 'none', padding: 0, gap: 12 }}>
        {requests.map((r) => (
          <li key={r.id} className="stack" style={{ gap: 6 }} data-testid={`pair-request-${r.direction}`}>
            <div>
              {t(r.direction === 'in' ? 'pairRequests.incoming' : 'pairRequests.outgoing', {
                who: r.name ?? shortId(r.peer),
                id: shortId(r.peer),
              })}
            </div>
            <div className="code-box" data-testid="pair-request-code">
              {r.code}
            </div>
            <div className="row">
              {r.direction === 'in' ? (
                <>
                  <button
                    type="button"
                    className="primary"
                    data-testid="pair-request-accept"
                    onClick={() => void act(() => bridge().peers.pairAnswer({ id: r.id, accept: true }))}
                  >
                    {t('pairRequests.accept')}
                  </button>
                  <button
                    type="button"
                    className="danger"
                    data-testid="pair-request-reject"
                    onClick={() => void act(() => bridge().peers.pairAnswer({ id: r.id, accept: false }))}
                  >
                    {t('pairRequests.reject')}
                  </button>
                </>
              ) : (
                <button
                  type="button"
                  data-testid="pair-request-cancel"
                  onClick={() => void act(() => bridge().jobs.cancel(r.id))}
                >
                  {t('pairRequests.cancel')}
                </button>
              )}
              <span className="small muted">
                {t('pairRequests.until', { time: formatTime(Date.parse(r.expiresAt)) })}
              </span>
            </div>
          </li>
        ))}
      </ul>
      {error !== undefined && <ErrorNote error={error} />}
    </Card>
  );
}

/** How the newest connection to the peer went: "LAN · 1.2 ms", "relayed via …a1b2c3 · 6 ms (earlier)". */
function pathLine(path: NonNullable<PeerDto['path']>, t: ReturnType<typeof useT>): string {
  const how =
    path.kind === 'relayed'
      ? t('peers.relayed', { relay: (path.relay ?? '').slice(-6) })
      : path.kind === 'lan'
        ? 'LAN'
        : t('peers.direct');
  const rtt = path.rttMs !== undefined ? ` · ${path.rttMs} ms` : '';
  return `${how}${rtt}${path.open ? '' : t('peers.lastConnection')}`;
}

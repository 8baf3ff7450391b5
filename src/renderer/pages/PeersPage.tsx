/**
 * Peers: this machine's name, identity and addresses; pairing by code (either side: the short code on the same
 * network, the full code or its QR code from anywhere); Warp devices nearby (LAN discovery), ready to pair; paired
 * peers with their names and addresses, both editable. The pairing cards are peers/PairCards.tsx (shared with the
 * first-run guide), nearby devices and pairing requests peers/NearbyCards.tsx.
 */
import { useEffect, useState } from 'react';
import type { PeerDto } from '../../shared/bridge.ts';
import { ReachLine } from '../components/ReachLine.tsx';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { Badge, Card, Empty, ErrorNote, PageHeader } from '../components/ui.tsx';
import { formatDate, shortId } from '../format.ts';
import { useApp } from '../store/app.ts';
import { useResources } from '../store/resources.ts';
import { useT } from '../i18n/index.ts';
import { NearbyCard, PairRequestsCard } from './peers/NearbyCards.tsx';
import { PairJoin, PairShow } from './peers/PairCards.tsx';

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

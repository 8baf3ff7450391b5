/**
 * Warp devices on this network (LAN discovery) and the pairing requests between them: a device one click from
 * pairing, and a request's confirmation code shown on both screens while the other side decides.
 */
import { useState } from 'react';
import type { NearbyDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { Badge, Card, ErrorNote } from '../../components/ui.tsx';
import { formatTime, shortId } from '../../format.ts';
import { useResources } from '../../store/resources.ts';
import { useT } from '../../i18n/index.ts';

/** Warp devices on this network (discovery): paired ones marked, unpaired ones one click from pairing. */
export function NearbyCard({ devices, onPair }: { devices?: NearbyDto[]; onPair: (lookup: string) => void }) {
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
export function PairRequestsCard() {
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

/**
 * Transfers: start a send / fetch / swarm download; every transfer live with progress, a rate sparkline, ETA,
 * per-peer contribution and cancel / pause / resume.
 */
import { useEffect, useMemo, useState } from 'react';
import type { TransferDto, TransferKind } from '../../shared/bridge.ts';
import { bridge } from '../bridge/index.ts';
import { errorLine } from '../error-words.ts';
import { colorFor, ShareBar } from '../charts/ShareBar.tsx';
import { Sparkline } from '../charts/Sparkline.tsx';
import { Badge, Card, Empty, ErrorNote, Field, PageHeader, ProgressBar } from '../components/ui.tsx';
import { formatBytes, formatDuration } from '../format.ts';
import { useApp } from '../store/app.ts';
import { finished, isActive, isMoving, isTransfer, RATE_HISTORY, useJobs, type JobView } from '../store/jobs.ts';
import { transferSpeed } from '../transfer-speed.ts';
import { askNotificationPermission } from '../notify.ts';
import { usePeerName } from '../peer-names.ts';
import { useResources } from '../store/resources.ts';
import { useSwarm } from '../store/swarm.ts';
import { PathField } from '../components/PathField.tsx';
import { useT } from '../i18n/index.ts';

export function TransfersPage() {
  const jobsMap = useJobs((s) => s.jobs);
  const transfers = useResources((s) => s.transfers);
  const jobs = useMemo(
    () =>
      Object.values(jobsMap)
        .filter(isTransfer)
        .sort((a, b) => Number(isActive(b)) - Number(isActive(a)) || b.createdAt.localeCompare(a.createdAt)),
    [jobsMap],
  );
  const active = jobs.filter(isActive).length;
  const t = useT();
  return (
    <>
      <PageHeader title={t('pages.transfers')} subtitle={t('transfers.subtitle', { active, total: jobs.length })} />
      <div className="stack">
        <NewTransfer />
        <Card title={t('pages.transfers')} testId="transfers">
          {jobs.length === 0 ? (
            <Empty icon="⇅" title={t('transfers.emptyTitle')}>
              {t('transfers.emptyBody')}
            </Empty>
          ) : (
            jobs.map((j) => <TransferRow key={j.id} job={j} dto={transfers[j.id]} />)
          )}
        </Card>
      </div>
    </>
  );
}

function NewTransfer() {
  const peers = useResources((s) => s.peers);
  const loadPeers = useResources((s) => s.loadPeers);
  const [kind, setKind] = useState<TransferKind>('send');
  const [peer, setPeer] = useState('');
  const [localPath, setLocal] = useState('');
  const [remotePath, setRemote] = useState('');
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const t = useT();
  useEffect(() => {
    if (!peers) void loadPeers();
  }, [peers, loadPeers]);

  const submit = async () => {
    askNotificationPermission();
    setBusy(true);
    setError(undefined);
    try {
      const from = peer
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean);
      await bridge().transfers.start(
        kind === 'swarm' ? { kind, from, localPath, remotePath } : { kind, peer: peer.trim(), localPath, remotePath },
      );
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Card title={t('transfers.newTitle')} testId="new-transfer" className="new-transfer">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <Field label={t('transfers.kind')}>
          <select value={kind} onChange={(e) => setKind(e.target.value as TransferKind)} data-testid="transfer-kind">
            <option value="send">{t('transfers.kindSend')}</option>
            <option value="fetch">{t('transfers.kindFetch')}</option>
            <option value="swarm">{t('transfers.kindSwarm')}</option>
          </select>
        </Field>
        <Field
          label={kind === 'swarm' ? t('transfers.peers') : t('transfers.peer')}
          hint={peers?.length || peer ? undefined : t('transfers.peerHint')}
        >
          <input
            list="peer-options"
            value={peer}
            onChange={(e) => setPeer(e.target.value)}
            placeholder={t('transfers.peerPlaceholder')}
            data-testid="transfer-peer"
          />
          <datalist id="peer-options">
            {peers?.map((p) => (
              <option key={p.id} value={p.name ?? p.id}>
                {p.address}
              </option>
            ))}
          </datalist>
        </Field>
        <Field label={kind === 'send' ? t('transfers.localSend') : t('transfers.localDest')}>
          <PathField
            value={localPath}
            onChange={setLocal}
            kind={kind === 'send' ? 'any' : 'folder'}
            label={kind === 'send' ? t('transfers.localSend') : t('transfers.localDest')}
            placeholder={t('transfers.localPlaceholder')}
            testId="transfer-local"
          />
        </Field>
        <Field label={kind === 'send' ? t('transfers.remoteDest') : t('transfers.remotePath')}>
          <input
            value={remotePath}
            onChange={(e) => setRemote(e.target.value)}
            placeholder={t('transfers.remotePlaceholder')}
            data-testid="transfer-remote"
          />
        </Field>
        <div className="row">
          <button
            type="submit"
            className="primary"
            disabled={busy || !peer.trim() || !localPath || !remotePath}
            data-testid="transfer-start"
          >
            {t('transfers.start')}
          </button>
        </div>
      </form>
      {error !== undefined && (
        <div style={{ marginTop: 10 }}>
          <ErrorNote error={error} />
        </div>
      )}
    </Card>
  );
}

function TransferRow({ job, dto }: { job: JobView; dto?: TransferDto }) {
  const toast = useApp((s) => s.toast);
  const session = job.session ?? dto?.session;
  const swarm = useSwarm((s) => (session ? s.sessions[session] : undefined));
  const name = usePeerName();
  const t = useT();
  const status = job.status;
  const p = finished(status, job.progress ?? dto?.progress);
  const active = isActive(job);
  const incoming = job.kind === 'transfer.incoming';
  const act = (what: 'cancel' | 'pause' | 'resume') =>
    bridge()
      .transfers[what](job.id)
      .catch((err) => toast('error', errorLine(err)));

  // Per-peer contribution: swarm edges when the swarm reports them, else the transfer's sources, else one peer.
  const shares = swarm?.edges.length
    ? swarm.edges.map((e, i) => ({ key: String(e.edge), label: name(e.peer), value: e.bytes, color: colorFor(i) }))
    : dto?.sources?.length
      ? dto.sources.map((s, i) => ({ key: s.peer, label: name(s.peer), value: s.bytes, color: colorFor(i) }))
      : undefined;
  const peerLabel = job.peer ?? dto?.peers.join(', ');
  const title = dto
    ? t(`transfers.title.${dto.kind}`, { path: dto.kind === 'send' ? dto.localPath : dto.remotePath })
    : job.title;
  return (
    <div className="transfer" data-testid="transfer" data-job={job.id} data-status={status}>
      <div className="job-title ellipsis">
        <Badge status={status} />
        <span className="ellipsis" title={title}>
          {incoming ? t('transfers.incoming', { role: job.role ?? '', path: job.path ?? '' }) : title}
        </span>
      </div>
      <div className="transfer-spark">
        <Sparkline values={job.rates} capacity={RATE_HISTORY} label={t('transfers.rate')} />
        <div className="muted small" style={{ textAlign: 'right' }} data-testid="transfer-speed">
          {transferSpeed(status, p, job.wireBytes ?? dto?.result?.wireBytes ?? dto?.progress?.wireBytes)}
        </div>
      </div>
      <ProgressBar
        value={p?.bytes ?? 0}
        total={p?.totalBytes ?? 0}
        status={status}
        label={t('job.progress', { title })}
      />
      <div className="job-meta">
        {p && (
          <span data-testid="transfer-bytes">
            {formatBytes(p.bytes)} / {formatBytes(p.totalBytes)}
          </span>
        )}
        {job.totalChunks !== undefined && (
          <span>
            {t('transfers.chunks', {
              done: status === 'done' ? job.totalChunks : (job.chunks ?? 0),
              count: job.totalChunks,
            })}
          </span>
        )}
        {isMoving(job) && p && p.etaSeconds >= 0 && (
          <span data-testid="transfer-eta">{t('job.eta', { duration: formatDuration(p.etaSeconds) })}</span>
        )}
        {!active && p && <span>{formatDuration(p.elapsedSeconds)}</span>}
        {peerLabel && (
          <span title={peerLabel}>
            {peerLabel
              .split(',')
              .map((x) => name(x.trim()))
              .join(', ')}
          </span>
        )}
        {(job.transport ?? dto?.transport) && <span>{job.transport ?? dto?.transport}</span>}
        {dto && dto.resumes > 0 && <span>{t('transfers.resumed', { count: dto.resumes })}</span>}
        {(job.error ?? dto?.error) && <span style={{ color: 'var(--red)' }}>{(job.error ?? dto?.error)?.message}</span>}
      </div>
      {((shares && shares.length > 1) || (!incoming && (active || status === 'failed'))) && (
        <div className="row" style={{ gridColumn: '1 / -1', justifyContent: 'space-between' }}>
          <div style={{ flex: 1, minWidth: 200 }}>
            {shares && shares.length > 1 && <ShareBar parts={shares} format={formatBytes} />}
          </div>
          {!incoming && (
            <div className="row">
              {status === 'running' && (
                <button type="button" className="small" onClick={() => act('pause')}>
                  {t('transfers.pause')}
                </button>
              )}
              {(status === 'paused' || status === 'failed') && (
                <button type="button" className="small" onClick={() => act('resume')}>
                  {t('transfers.resume')}
                </button>
              )}
              {active && (
                <button type="button" className="small danger" onClick={() => act('cancel')}>
                  {t('job.cancel')}
                </button>
              )}
            </div>
          )}
        </div>
      )}
    </div>
  );
}

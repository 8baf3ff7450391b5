/**
 * The Share page's list of shares: one row per share (newest first) with its state, downloads, bytes served, last
 * access and expiry, and pause/resume, extend (a week more, or as many downloads again) and revoke. Every action
 * goes through the bridge; `onChanged` refetches the list, a failure is a toast.
 */
import type { ShareDto } from '../../../shared/bridge.ts';
import { bridge } from '../../bridge/index.ts';
import { errorLine } from '../../error-words.ts';
import { Badge } from '../../components/ui.tsx';
import { formatBytes, formatDateTime } from '../../format.ts';
import { useT } from '../../i18n/index.ts';
import { useApp } from '../../store/app.ts';

export function ShareTable({ shares, onChanged }: { shares: ShareDto[]; onChanged: () => void }) {
  const t = useT();
  return (
    <div className="table-wrap">
      <table>
        <thead>
          <tr>
            <th>{t('share.colShare')}</th>
            <th>{t('share.colState')}</th>
            <th className="num">{t('share.colDownloads')}</th>
            <th className="num hide-phone">{t('share.colServed')}</th>
            <th className="hide-phone">{t('share.colLastAccess')}</th>
            <th className="hide-phone">{t('share.colExpires')}</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {[...shares].reverse().map((s) => (
            <ShareRow key={s.id} s={s} onChanged={onChanged} />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const STATE_BADGE: Record<ShareDto['status'], string> = {
  active: 'done',
  paused: 'paused',
  expired: 'cancelled',
  exhausted: 'cancelled',
  revoked: 'failed',
};

function when(ms: number | null, none: string): string {
  return ms === null ? none : formatDateTime(ms);
}

function ShareRow({ s, onChanged }: { s: ShareDto; onChanged: () => void }) {
  const t = useT();
  const toast = useApp((st) => st.toast);
  const act = async (what: () => Promise<unknown>) => {
    try {
      await what();
      onChanged();
    } catch (err) {
      toast('error', errorLine(err));
    }
  };
  const shares = bridge().shares;
  const live = s.status !== 'revoked';
  return (
    <tr data-testid="share-row" data-id={s.id} data-state={s.status}>
      <td>
        <span className="mono">{s.id.slice(0, 8)}</span>
        <div className="muted small">
          {t('share.rowFiles', { count: s.files })} · {formatBytes(s.totalBytes)}
          {s.password ? ` · ${t('share.rowPassword')}` : ''} · {t('share.made', { when: when(s.createdAt, '') })}
        </div>
      </td>
      <td>
        <Badge status={STATE_BADGE[s.status]}>{t(`share.state.${s.status}`)}</Badge>
      </td>
      <td className="num" data-testid="share-downloads">
        {s.downloads}
        {s.maxDownloads === null ? '' : ` / ${s.maxDownloads}`}
      </td>
      <td className="num hide-phone">{formatBytes(s.bytesServed)}</td>
      <td className="hide-phone small">{when(s.lastAccess, '—')}</td>
      <td className="hide-phone small">{live ? when(s.expiresAt, t('share.expiry.never')) : '—'}</td>
      <td>
        {live && (
          <div className="row" style={{ justifyContent: 'flex-end' }}>
            {s.status === 'paused' ? (
              <button type="button" className="small" onClick={() => void act(() => shares.resume(s.id))}>
                {t('share.resume')}
              </button>
            ) : (
              <button type="button" className="small" onClick={() => void act(() => shares.pause(s.id))}>
                {t('share.pause')}
              </button>
            )}
            <button
              type="button"
              className="small"
              title={t('share.extendTitle')}
              onClick={() =>
                void act(() =>
                  shares.extend({
                    id: s.id,
                    expiresSeconds: s.expiresAt === null ? undefined : 7 * 86_400,
                    never: s.expiresAt === null ? true : undefined,
                    maxDownloads: s.maxDownloads === null ? undefined : s.downloads + s.maxDownloads,
                  }),
                )
              }
            >
              {t('share.extend')}
            </button>
            <button
              type="button"
              className="small danger"
              onClick={() => {
                if (confirm(t('share.revokeConfirm'))) void act(() => shares.revoke(s.id));
              }}
            >
              {t('share.revoke')}
            </button>
          </div>
        )}
      </td>
    </tr>
  );
}

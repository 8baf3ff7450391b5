/** This machine's AutoNAT verdict in words (Peers page): reachable publicly at …, behind NAT, unknown. */
import type { ReachabilityDto } from '../../shared/bridge.ts';
import { useT } from '../i18n/index.ts';

export function ReachLine({ r }: { r: ReachabilityDto }) {
  const t = useT();
  if (r.status === 'public') return <>{t('peers.reachPublic', { addresses: r.confirmed.join(', ') })}</>;
  if (r.status === 'nat')
    return (
      <>{r.observed.length ? t('peers.reachNatSeen', { addresses: r.observed.join(', ') }) : t('peers.reachNat')}</>
    );
  return <span className="muted">{r.autonat ? t('peers.reachUnknown') : t('peers.reachUnknownOff')}</span>;
}

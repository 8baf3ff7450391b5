/**
 * Peers by name: the name this machine paired them under, else the one short id form (format.ts shortId).
 * Addresses given as "id@host:port" resolve by their id part. Read from the peers list in the resources store.
 */
import type { PeerDto } from '../shared/bridge.ts';
import { shortId } from './format.ts';
import { useResources } from './store/resources.ts';

export function peerName(
  idOrAddress: string,
  peers: readonly PeerDto[] | undefined = useResources.getState().peers,
): string {
  const id = idOrAddress.split('@')[0];
  return peers?.find((p) => p.id === id)?.name ?? shortId(id);
}

/** A hook: re-renders when the peers list changes (a pairing names a peer). */
export function usePeerName(): (idOrAddress: string) => string {
  const peers = useResources((s) => s.peers);
  return (x) => peerName(x, peers);
}

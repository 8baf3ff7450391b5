/**
 * What a peer transfer runs with: this node's identity and trust, the optional file index and chunk store,
 * the chunking parameters and the transport's knobs. One type shared by transfer, swarm, sync, the service
 * and the CLI; each host builds it once (service/service-env.ts, cli/commands/net-env.ts).
 */
import type { ChunkerParams } from '../codec/fastcdc.ts';
import type { Identity } from '../net/identity.ts';
import type { TransportChoice } from '../net/node.ts';
import type { SelfInfo } from '../net/pair.ts';
import type { TrustStore } from '../net/trust.ts';
import type { ChunkStore } from '../store/chunk-store.ts';
import type { FileIndex } from '../store/file-index.ts';

export interface TransferEnv {
  home: string;
  identity: Identity;
  trust: TrustStore;
  index?: FileIndex;
  store?: ChunkStore;
  chunking: ChunkerParams;
  streams: number;
  window: number;
  compress: boolean;
  /** Compress even to a peer on this machine (transfer.compress = on). */
  compressLoopback?: boolean;
  transport: TransportChoice;
  /** What this machine tells a paired peer of itself on contact (its listen addresses, its name); absent: nothing. */
  self?: () => SelfInfo;
  /** Circuit relays (`[net] relays`) to reach a peer through when a direct dial fails. */
  relays?: readonly string[];
  /** NAT traversal ([net] upnp, autonat, hole_punch). */
  nat?: { upnp: boolean; autonat: boolean; holePunch: boolean };
}

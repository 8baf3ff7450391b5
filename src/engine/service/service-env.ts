/**
 * The engine environment the daemon (and the Electron main process) runs transfers in: identity, trusted
 * peers, file index and chunk store under WARP_HOME, and the transfer settings from the config. The same
 * set-up as the CLI's network commands (src/cli/commands/net-env.ts), without the CLI.
 */
import path from 'node:path';
import { paramsForAverage } from '../codec/fastcdc.ts';
import type { WarpConfig } from '../config/index.ts';
import { loadIdentity } from '../net/identity.ts';
import { TrustStore } from '../net/trust.ts';
import { ChunkStore } from '../store/chunk-store.ts';
import { FileIndex } from '../store/file-index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';

export async function serviceTransferEnv(home: string, config: WarpConfig): Promise<TransferEnv> {
  const identity = await loadIdentity(home);
  return {
    home,
    identity,
    trust: new TrustStore(home),
    index: new FileIndex(path.join(home, 'store')),
    store: new ChunkStore(path.join(home, 'store', 'chunks'), { maxBytes: config.transfer.storeMax }),
    chunking: paramsForAverage(config.transfer.chunkAvg),
    streams: config.transfer.streams,
    window: config.transfer.window,
    compress: config.transfer.compress !== 'off',
    compressLoopback: config.transfer.compress === 'on',
    transport: config.transfer.transport,
    relays: config.net.relays,
    nat: { upnp: config.net.upnp, autonat: config.net.autonat, holePunch: config.net.holePunch },
  };
}

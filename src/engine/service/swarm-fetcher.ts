/**
 * How the service runs a swarm download (transfers.start with `from`): the swarm engine under the current
 * config's scheduler policy, per-peer parallelism and per-peer windows and budgets (swarm.peer_rules, as
 * `warp fetch --from` applies them). The engine's swarm.* events go to `onSwarm` (every client and the snapshots
 * of swarm.status()); its transfer.* events go to the transfer like any other; scheduler ticks go to `onTick`.
 */
import type { WarpConfig } from '../config/index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import { parsePeerRules, swarmFetch } from '../swarm/index.ts';
import type { SwarmEvent } from '../swarm/swarm-events.ts';
import type { TransferEvent as EngineTransferEvent } from '../transfer/transfer-events.ts';
import type { SwarmFetch } from './transfer-manager.ts';

export function swarmFetcher(
  env: TransferEnv,
  config: () => WarpConfig,
  sinks: { onSwarm: (e: SwarmEvent) => void; onTickSeconds: (seconds: number) => void },
): SwarmFetch {
  return (f) => {
    const c = config();
    const peerRules = parsePeerRules(c.swarm.peerRules);
    return swarmFetch(env, {
      sources: f.from,
      remotePath: f.remotePath,
      dest: f.localDir,
      signal: f.signal,
      policy: c.sched.policy,
      tickHz: c.sched.tickHz,
      perPeerParallel: c.swarm.perPeerParallel,
      constraints: peerRules.constraints,
      bytesThisMonth: peerRules.used,
      onEvent: (e: SwarmEvent | EngineTransferEvent) => {
        if (e.type.startsWith('swarm.')) sinks.onSwarm(e as SwarmEvent);
        else f.onEvent(e as EngineTransferEvent);
      },
      onTick: (t: { totalMs: number }) => sinks.onTickSeconds(t.totalMs / 1000),
    });
  };
}

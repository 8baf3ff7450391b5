/**
 * `warp swarm edges`: the swarm's edge registry (WARP_HOME/swarm/edges.json): every peer a swarm download
 * used, its last state and estimates. `warp swarm access`: what pre-positioning predicts from the access log.
 */
import type { Command } from 'commander';
import { formatRate } from '../../engine/core/bytes.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { AccessLog, EdgeRegistry, PrepositionLedger } from '../../engine/swarm/index.ts';
import type { CliContext } from '../context.ts';

export function register(program: Command, ctx: CliContext): void {
  const swarm = program
    .command('swarm')
    .description('what swarm downloads learned: known source peers, access patterns');
  swarm
    .command('edges', { isDefault: true })
    .description('known source peers with their last state, bandwidth, RTT and health')
    .action(() => {
      const all = new EdgeRegistry(warpHome()).list();
      if (ctx.opts().json) {
        for (const r of all) ctx.out(JSON.stringify({ type: 'swarm.edge', ...r }));
        ctx.out(JSON.stringify({ type: 'result', edges: all.length }));
        return;
      }
      if (all.length === 0 && !ctx.opts().quiet)
        ctx.err('no swarm downloads yet: `warp fetch <peer>:/path <dir> --from <peers…>`');
      for (const r of all) {
        const flags = [r.metered ? 'metered' : '', r.batteryLow ? 'battery-low' : ''].filter(Boolean).join(',');
        ctx.out(
          `${r.peer}  ${r.state.padEnd(8)}  ${r.bandwidth ? formatRate(r.bandwidth).padStart(10) : '         -'}  srtt ${r.srttMs?.toFixed(1) ?? '-'} ms ±${r.rttVarMs?.toFixed(1) ?? '-'}  health ${r.health?.toFixed(2) ?? '-'}  ${r.sessions} downloads  last seen ${r.lastSeen ?? '-'}${flags ? `  ${flags}` : ''}`,
        );
      }
    });
  swarm
    .command('access')
    .description('downloads logged for pre-positioning and the chunks pre-positioned on each peer')
    .action(() => {
      const home = warpHome();
      const log = new AccessLog(home);
      const ledger = new PrepositionLedger(home);
      const trees = new Map<string, { path?: string; count: number; last: number }>();
      for (const r of log.records) {
        const t = trees.get(r.contentId) ?? { path: r.path, count: 0, last: 0 };
        t.count++;
        t.last = Math.max(t.last, r.at);
        trees.set(r.contentId, t);
      }
      const pre = Object.entries(ledger.peers).map(([peer, ids]) => ({ peer, chunks: ids.length }));
      if (ctx.opts().json) {
        for (const [contentId, t] of trees)
          ctx.out(JSON.stringify({ type: 'swarm.access', contentId, ...t, last: new Date(t.last).toISOString() }));
        ctx.out(
          JSON.stringify({
            type: 'result',
            trees: trees.size,
            countedChunks: Object.keys(log.chunks).length,
            prepositioned: pre,
          }),
        );
        return;
      }
      for (const [contentId, t] of trees)
        ctx.out(
          `${contentId.slice(0, 16)}…  ${String(t.count).padStart(3)} downloads  last ${new Date(t.last).toISOString()}  ${t.path ?? ''}`,
        );
      for (const p of pre) ctx.out(`pre-positioned on ${p.peer}: ${p.chunks} chunks`);
      if (trees.size === 0 && !ctx.opts().quiet) ctx.err('no swarm downloads logged yet');
    });
}

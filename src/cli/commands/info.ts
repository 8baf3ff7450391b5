/** `warp info`: the runtime and which implementation each codec uses here (native or fallback). */
import type { Command } from 'commander';
import os from 'node:os';
import zlib from 'node:zlib';
import { aead } from '../../engine/codec/aead.ts';
import { warpHome } from '../../engine/core/warp-home.ts';
import { defaultWorkerCount } from '../../engine/core/worker-pool.ts';
import { FORMAT_VERSION } from '../../engine/archive/format.ts';
import type { CliContext } from '../context.ts';

export interface RuntimeInfo {
  version: string;
  node: string;
  electron?: string;
  platform: string;
  arch: string;
  cpus: number;
  workers: number;
  warpHome: string;
  archiveFormat: number;
  codecs: Record<string, string>;
  extra: Record<string, unknown>;
}

/** Other modules (the scheduler) add their findings here. */
export const infoProviders: Array<() => Promise<Record<string, unknown>>> = [];

/** The scheduler: which WebGPU adapter this runtime finds (Node: Dawn via the `webgpu` package) and the choice. */
infoProviders.push(async () => {
  const { describeSchedulerBackends } = await import('../../engine/sched/index.ts');
  const { nodeGpu } = await import('./sched.ts');
  const report = await describeSchedulerBackends(await nodeGpu().catch(() => undefined));
  const a = report.adapter;
  const adapter = a ? `${a.device || a.description || 'unknown'}${a.software ? ' (software)' : ''}` : 'none found';
  return {
    scheduler: `${report.selected}: ${report.reason}`,
    webgpuAdapter: adapter,
    ...(a ? { webgpuAdapterDetails: a } : {}),
  };
});

export async function collectInfo(): Promise<RuntimeInfo> {
  const extra: Record<string, unknown> = {};
  for (const p of infoProviders) Object.assign(extra, await p());
  return {
    version: '0.1.0',
    node: process.versions.node,
    electron: process.versions.electron,
    platform: process.platform,
    arch: process.arch,
    cpus: os.availableParallelism(),
    workers: defaultWorkerCount(),
    warpHome: warpHome(),
    archiveFormat: FORMAT_VERSION,
    codecs: {
      blake3: 'native (@napi-rs/blake-hash)',
      zstd:
        typeof zlib.zstdCompressSync === 'function'
          ? `node:zlib (zstd ${process.versions.zstd ?? 'bundled'})`
          : 'unavailable (Node >= 22.15 needed)',
      'chacha20-poly1305': aead.name === 'node:crypto' ? 'node:crypto (OpenSSL)' : 'sodium-native (libsodium)',
      argon2id: 'sodium-native (libsodium)',
      fastcdc: 'TypeScript (gear hash, 2 bytes per step)',
    },
    extra,
  };
}

export function register(program: Command, ctx: CliContext): void {
  program
    .command('info')
    .description('runtime, codecs (native or fallback), scheduler backends')
    .action(async () => {
      const info = await collectInfo();
      if (ctx.opts().json) {
        ctx.out(JSON.stringify({ type: 'result', ...info }));
        return;
      }
      ctx.out(
        `warp ${info.version}  node ${info.node}${info.electron ? `  electron ${info.electron}` : ''}  ${info.platform}-${info.arch}  ${info.cpus} cores (${info.workers} workers)`,
      );
      ctx.out(`home      ${info.warpHome}`);
      ctx.out(`format    .warp v${info.archiveFormat}`);
      for (const [k, v] of Object.entries(info.codecs)) ctx.out(`${k.padEnd(18)} ${v}`);
      for (const [k, v] of Object.entries(info.extra)) if (typeof v === 'string') ctx.out(`${k.padEnd(18)} ${v}`);
    });
}

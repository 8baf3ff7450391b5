/**
 * The service's config operations' two halves that are not orchestration: the config as the contract shows it
 * (every key with its value, default, source and what it accepts; ConfigDto), and applying a new config's
 * transfer settings to the live transfer environment, so the next transfer uses them without a restart (the env
 * object is shared by reference with the transfer manager, the peer listener and sync).
 */
import { paramsForAverage } from '../codec/fastcdc.ts';
import { CONFIG_SCHEMA, describeAllowed, formatValue, loadConfig, type WarpConfig } from '../config/index.ts';
import type { TransferEnv } from '../model/transfer-env.ts';
import type { ConfigDto } from '../../shared/bridge.ts';

/** Every config key as loaded from `configPath` (default: $WARP_HOME/config.toml) and the environment. */
export function configDto(configPath: string | undefined): ConfigDto {
  const r = loadConfig({ configPath });
  const entries: ConfigDto['entries'] = [];
  for (const [section, spec] of Object.entries(CONFIG_SCHEMA)) {
    for (const [name, k] of Object.entries(spec.keys)) {
      const e = r.entries[section][name];
      entries.push({
        key: `${section}.${name}`,
        value: e.value,
        default: k.default,
        source: e.source === 'flag' ? 'override' : e.source,
        type: k.type,
        description: k.description,
        ...(k.type === 'enum' ? { allowed: describeAllowed(k) } : {}),
        text: formatValue(k, e.value),
        defaultText: formatValue(k, k.default),
        accepts: describeAllowed(k),
      });
    }
  }
  return { file: r.file.path, entries };
}

/** Copies the config's transfer settings into the shared transfer environment. */
export function applyTransferSettings(env: TransferEnv, config: WarpConfig): void {
  const t = config.transfer;
  Object.assign(env, {
    chunking: paramsForAverage(t.chunkAvg),
    streams: t.streams,
    window: t.window,
    compress: t.compress !== 'off',
    compressLoopback: t.compress === 'on',
    transport: t.transport,
  });
}

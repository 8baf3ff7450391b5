/** `warp config init` output: commented defaults that parse, and that mean the defaults when uncommented. */
import { describe, expect, it } from 'vitest';
import {
  CONFIG_SCHEMA,
  defaultConfig,
  defaultConfigToml,
  envVarName,
  loadConfig,
} from '../../src/engine/config/index.ts';
import { homeWith } from './helpers.ts';

describe('default config.toml', () => {
  const text = defaultConfigToml();

  it('loads as all defaults', () => {
    const { env } = homeWith(text);
    const r = loadConfig({ env });
    expect(r.file.exists).toBe(true);
    expect(
      Object.values(r.entries)
        .flatMap((s) => Object.values(s))
        .every((e) => e.source === 'default'),
    ).toBe(true);
  });

  it('uncommented, sets every key from the file to its default value', () => {
    const uncommented = text.replace(/^# ([a-z0-9_]+ = .*)$/gm, '$1');
    const { env } = homeWith(uncommented);
    const r = loadConfig({ env });
    const defaults = defaultConfig();
    expect(r.config).toEqual(defaults);
    const sources = Object.values(r.entries).flatMap((s) => Object.values(s).map((e) => e.source));
    expect(sources.length).toBe(Object.values(CONFIG_SCHEMA).reduce((n, s) => n + Object.keys(s.keys).length, 0));
    expect(sources.every((s) => s === 'file')).toBe(true);
  });

  it('documents each key with its allowed values and environment variable', () => {
    expect(text).toContain('# Allowed: one of fast, balanced, max. Environment: WARP_ARCHIVE_LEVEL');
    for (const [section, spec] of Object.entries(CONFIG_SCHEMA)) {
      expect(text).toContain(`[${section}]`);
      for (const name of Object.keys(spec.keys)) expect(text).toContain(envVarName(section, name));
    }
  });
});

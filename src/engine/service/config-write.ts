/**
 * `config.set`: merges "section.key" values into config.toml. Each value is checked against the schema as if
 * written in the file, then the whole file is checked (cross-key rules) before it replaces the old one.
 * The file is rewritten from its parsed data, so comments in it are not kept (said in the docs page).
 */
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'smol-toml';
import { ErrorCodes, WarpError, fromSystemError } from '../core/errors.ts';
import { CONFIG_SCHEMA, describeAllowed, didYouMean, loadConfig } from '../config/index.ts';
import { readTomlFile } from '../config/toml-file.ts';
import { coerce } from '../config/values.ts';

export function writeConfigValues(file: string, values: Record<string, unknown>): string {
  const data = structuredClone(readTomlFile(file, false).data) as Record<string, Record<string, unknown>>;
  const sections = Object.keys(CONFIG_SCHEMA);
  for (const [dotted, raw] of Object.entries(values)) {
    const [section, name, ...more] = dotted.split('.');
    const spec = Object.hasOwn(CONFIG_SCHEMA, section)
      ? (CONFIG_SCHEMA as Record<string, { keys: Record<string, Parameters<typeof coerce>[0]> }>)[section]
      : undefined;
    if (!spec || name === undefined || more.length > 0)
      throw new WarpError(
        ErrorCodes.USAGE,
        `unknown config key '${dotted}'${didYouMean(section, sections)}; keys are written section.key, e.g. transfer.port`,
      );
    const keySpec = Object.hasOwn(spec.keys, name) ? spec.keys[name] : undefined;
    if (!keySpec)
      throw new WarpError(
        ErrorCodes.USAGE,
        `unknown config key '${dotted}'${didYouMean(name, Object.keys(spec.keys), (s) => `${section}.${s}`)}`,
      );
    if (!coerce(keySpec, raw, false, path.dirname(file)).ok)
      throw new WarpError(ErrorCodes.USAGE, `invalid ${dotted}: expected ${describeAllowed(keySpec)}`);
    data[section] = { ...(data[section] ?? {}), [name]: raw };
  }
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    fs.writeFileSync(tmp, `# Written by warp (config.set); edit freely.\n${stringify(data)}\n`, { mode: 0o600 });
  } catch (e) {
    throw fromSystemError(e, file, 'write');
  }
  try {
    loadConfig({ configPath: tmp });
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw new WarpError(ErrorCodes.USAGE, (e as Error).message.replaceAll(tmp, file));
  }
  fs.renameSync(tmp, file);
  return file;
}

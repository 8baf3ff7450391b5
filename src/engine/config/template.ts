/**
 * The commented config.toml `warp config init` writes: every key at its default, commented out, with what it
 * does, what it accepts and its environment variable, so a user uncomments what they want to change.
 */
import { envVarName } from './load.ts';
import { CONFIG_SCHEMA } from './schema.ts';
import type { Schema } from './spec.ts';
import { describeAllowed, tomlLiteral } from './values.ts';

export function defaultConfigToml(schema: Schema = CONFIG_SCHEMA): string {
  const out: string[] = [
    '# Warp configuration. Every key is shown at its default, commented out: uncomment a line to change it.',
    '# Precedence: defaults < this file < environment (WARP_<SECTION>_<KEY>) < command-line flags.',
    '# Check it with `warp config check`; see what is in effect with `warp config show`. Reference: docs/CONFIG.md',
  ];
  for (const [section, spec] of Object.entries(schema)) {
    out.push('', `# ${spec.description}`, `[${section}]`);
    for (const [name, keySpec] of Object.entries(spec.keys)) {
      out.push(
        `# ${keySpec.description}`,
        `# Allowed: ${describeAllowed(keySpec)}. Environment: ${envVarName(section, name)}`,
      );
      out.push(`# ${name} = ${tomlLiteral(keySpec, keySpec.default)}`);
    }
  }
  return out.join('\n') + '\n';
}

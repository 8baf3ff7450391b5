/** docs/CONFIG.md is generated from the schema; this fails when someone adds a key and forgets to regenerate. */
import fs from 'node:fs';
import { expect, it } from 'vitest';
import { CONFIG_SCHEMA, envVarName } from '../../src/engine/config/index.ts';
import { CONFIG_DOC_PATH, renderConfigDoc } from '../../scripts/gen-config-doc.ts';

it('docs/CONFIG.md is up to date (regenerate: npm exec -- node scripts/gen-config-doc.ts)', () => {
  expect(fs.readFileSync(CONFIG_DOC_PATH, 'utf8')).toBe(renderConfigDoc());
});

it('the doc lists every key with its environment variable', () => {
  const doc = renderConfigDoc();
  for (const [section, spec] of Object.entries(CONFIG_SCHEMA)) {
    expect(doc).toContain(`## [${section}]`);
    for (const name of Object.keys(spec.keys))
      expect(doc).toMatch(new RegExp(`\\| \`${name}\` \\|.*\`${envVarName(section, name)}\``));
  }
});

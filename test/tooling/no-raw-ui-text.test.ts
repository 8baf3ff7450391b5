/** The raw-UI-text lint rule (scripts/eslint-no-raw-ui-text.js) flags what a user reads and nothing else. */
import { RuleTester } from 'eslint';
import { describe, it } from 'vitest';
import plugin from '../../scripts/eslint-no-raw-ui-text.js';

RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({
  languageOptions: { parserOptions: { ecmaFeatures: { jsx: true } } },
});

tester.run('no-raw-ui-text', plugin.rules['no-raw-ui-text'], {
  valid: [
    'const a = <p>{t("x")}</p>;',
    'const a = <b>{n} / {m}</b>;',
    'const a = <span>{formatBytes(b)} · —</span>;',
    'const a = <span className="logo" aria-hidden>W</span>;',
    'const a = <i title={t("a")} aria-label={t("b")} placeholder={t("c")} />;',
    'const a = <b>WebGPU</b>;',
    'const a = <span>{ms} ms</span>;',
    'const a = <div data-testid="job" className="row ellipsis" />;',
    'const a = <option value="fast">{t("drop.level.fast")}</option>;',
  ],
  invalid: [
    { code: 'const a = <p>Save</p>;', errors: [{ messageId: 'text' }] },
    { code: 'const a = <p>{n} files</p>;', errors: [{ messageId: 'text' }] },
    { code: "const a = <p>{ok ? 'yes' : t('no')}</p>;", errors: [{ messageId: 'text' }] },
    { code: 'const a = <p>{`${n} peers`}</p>;', errors: [{ messageId: 'text' }] },
    { code: 'const a = <input placeholder="name, id or host:port" />;', errors: [{ messageId: 'attr' }] },
    { code: "const a = <i aria-label={open ? 'collapse' : 'expand'} />;", errors: 2 },
    { code: 'const a = <img alt={`photo of ${x}`} />;', errors: [{ messageId: 'attr' }] },
    { code: 'const a = <Field label="Kind" hint="pick one" />;', errors: 2 },
    { code: 'const a = <button title="Remove">{t("x")}</button>;', errors: [{ messageId: 'attr' }] },
  ],
});

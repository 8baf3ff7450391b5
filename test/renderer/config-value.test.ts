/** The Settings editor's text ↔ value mapping: each config type goes back in the form config.toml holds. */
import { describe, expect, it } from 'vitest';
import { configText, toConfigValue } from '../../src/renderer/config-value.ts';

describe('config values on the Settings page', () => {
  it('sends whole numbers as numbers and refuses fractions and words', () => {
    expect(toConfigValue('integer', ' 4 ')).toEqual({ ok: true, value: 4 });
    expect(toConfigValue('integer', '-3')).toEqual({ ok: true, value: -3 });
    expect(toConfigValue('integer', '4.5').ok).toBe(false);
    expect(toConfigValue('integer', 'four').ok).toBe(false);
    expect(toConfigValue('integer', '').ok).toBe(false);
    expect(toConfigValue('number', '0.25')).toEqual({ ok: true, value: 0.25 });
    expect(toConfigValue('number', 'x').ok).toBe(false);
  });
  it('sends booleans, lists, units and text in their TOML forms', () => {
    expect(toConfigValue('boolean', 'false')).toEqual({ ok: true, value: false });
    expect(toConfigValue('list', 'a, b ,, c')).toEqual({ ok: true, value: ['a', 'b', 'c'] });
    expect(toConfigValue('list', '')).toEqual({ ok: true, value: [] });
    expect(toConfigValue('bytes', ' 4MiB ')).toEqual({ ok: true, value: '4MiB' });
    expect(toConfigValue('duration', '1m30s')).toEqual({ ok: true, value: '1m30s' });
    expect(toConfigValue('string', ' x ')).toEqual({ ok: true, value: ' x ' });
  });
  it('shows the daemon spelling, else a readable rendering', () => {
    expect(configText({ value: 4194304, text: '4MiB' })).toBe('4MiB');
    expect(configText({ value: ['a', 'b'] })).toBe('a, b');
    expect(configText({ value: undefined })).toBe('');
    expect(configText({ value: 7 })).toBe('7');
  });
});

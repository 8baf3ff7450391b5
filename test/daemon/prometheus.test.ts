/** The strict Prometheus text parser the daemon tests use: it must reject what a scraper would reject. */
import { describe, expect, it } from 'vitest';
import { parsePrometheus } from './prometheus.ts';

describe('parsePrometheus', () => {
  it('reads families, labels with escapes, and values', () => {
    const m = parsePrometheus(
      '# HELP a_total Things.\n# TYPE a_total counter\na_total{k="x\\"y",j="2"} 3\na_total{k="z"} 1.5e3\n# TYPE g gauge\ng -2\n',
    );
    expect(m.families.get('a_total')!.type).toBe('counter');
    expect(m.value('a_total', { k: 'x"y' })).toBe(3);
    expect(m.value('a_total', { k: 'z' })).toBe(1500);
    expect(m.value('g')).toBe(-2);
  });

  it('rejects malformed text', () => {
    for (const bad of [
      '# TYPE a counter\na 1', // no final newline
      'a 1\n', // no TYPE
      '# TYPE a counter\na one\n',
      '# TYPE a counter\na{k=x} 1\n',
      '# TYPE a counter\na{k="x",k="y"} 1\n',
      '# TYPE a counter\na -1\n',
      '# TYPE a counter\n# TYPE a gauge\na 1\n',
      '# TYPE a counter\na 1\n# TYPE b widget\nb 1\n',
      '# TYPE 1a counter\n',
    ])
      expect(() => parsePrometheus(bad), JSON.stringify(bad)).toThrow();
  });
});

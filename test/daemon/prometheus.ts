/**
 * A small strict parser for the Prometheus text exposition format (0.0.4): every line is a comment (HELP/TYPE),
 * blank, or a sample `name{label="value",...} number [timestamp]`; TYPE comes before a family's samples and at
 * most once; label values use only the \\, \" and \n escapes. Throws on anything else.
 */
export interface Family {
  name: string;
  type?: string;
  help?: string;
  samples: Array<{ name: string; labels: Record<string, string>; value: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function parseValue(s: string, line: number): number {
  if (s === 'NaN') return NaN;
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error(`line ${line}: bad value '${s}'`);
  return Number(s);
}

export function parsePrometheus(text: string): {
  families: Map<string, Family>;
  value: (name: string, labels?: Record<string, string>) => number | undefined;
} {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a newline');
  const families = new Map<string, Family>();
  const fam = (name: string): Family => {
    let f = families.get(name);
    if (!f) {
      f = { name, samples: [] };
      families.set(name, f);
    }
    return f;
  };
  const lines = text.split('\n');
  lines.pop();
  lines.forEach((raw, i) => {
    const n = i + 1;
    if (raw.trim() === '') return;
    if (raw.startsWith('#')) {
      const m = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(raw);
      if (!m) return; // other comments are allowed
      const [, kind, name, rest] = m;
      if (!NAME.test(name)) throw new Error(`line ${n}: bad metric name '${name}'`);
      const f = fam(name);
      if (kind === 'TYPE') {
        if (f.type !== undefined) throw new Error(`line ${n}: second TYPE for ${name}`);
        if (f.samples.length > 0) throw new Error(`line ${n}: TYPE for ${name} after its samples`);
        if (!TYPES.has(rest)) throw new Error(`line ${n}: unknown type '${rest}'`);
        f.type = rest;
      } else {
        if (f.help !== undefined) throw new Error(`line ${n}: second HELP for ${name}`);
        f.help = rest;
      }
      return;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/.exec(raw);
    if (!m) throw new Error(`line ${n}: not a sample: '${raw}'`);
    const [, name, , labelText, value] = m;
    const labels: Record<string, string> = {};
    if (labelText) {
      const re = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/y;
      let pos = 0;
      while (pos < labelText.length) {
        re.lastIndex = pos;
        const lm = re.exec(labelText);
        if (!lm || !LABEL.test(lm[1])) throw new Error(`line ${n}: bad labels '${labelText}'`);
        if (Object.hasOwn(labels, lm[1])) throw new Error(`line ${n}: label ${lm[1]} twice`);
        labels[lm[1]] = lm[2].replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
        pos = re.lastIndex;
      }
    }
    const base = families.has(name) ? name : name.replace(/_(sum|count|bucket|total)$/, '');
    const f = families.get(base) ?? fam(name);
    if (f.type === 'counter' && parseValue(value, n) < 0) throw new Error(`line ${n}: negative counter ${name}`);
    f.samples.push({ name, labels, value: parseValue(value, n) });
  });
  for (const f of families.values()) if (f.type === undefined) throw new Error(`${f.name} has no TYPE line`);
  return {
    families,
    value: (name, want = {}) =>
      families.get(name)?.samples.find((s) => Object.entries(want).every(([k, v]) => s.labels[k] === v))?.value,
  };
}

/**
 * Reading ignore patterns: gitignore syntax, one pattern a line, checked before use. The matcher library
 * (`ignore`) silently turns a broken line into a rule that never matches (`[abc`, `[z-a]`) or drops it
 * (`foo\`), so a typo would quietly sync what the user meant to leave out; here each such line is an
 * E_IGNORE_INVALID error naming the file and the line.
 */
import fs from 'node:fs';
import { ErrorCodes, WarpError, fromSystemError, systemCode } from '../core/errors.ts';

/** Named sets of patterns for common junk. `junk` is all of them. */
export const IGNORE_PRESETS = {
  vcs: ['.git/', '.hg/', '.svn/', '.bzr/', '_darcs/', 'CVS/', '.jj/', '.pijul/', '.fslckout'],
  build: [
    'node_modules/',
    '__pycache__/',
    '*.py[co]',
    '.venv/',
    '.tox/',
    '.mypy_cache/',
    '.pytest_cache/',
    '.gradle/',
    '.next/',
    '.nuxt/',
    '.parcel-cache/',
    '.turbo/',
    'target/',
    'dist/',
    'build/',
    '*.o',
    '*.obj',
    '*.class',
  ],
  os: [
    '.DS_Store',
    '._*',
    '.AppleDouble/',
    '.Spotlight-V100/',
    '.Trashes/',
    '.fseventsd/',
    '.TemporaryItems/',
    'Thumbs.db',
    'ehthumbs.db',
    'desktop.ini',
    '$RECYCLE.BIN/',
    '.Trash-*/',
    '.directory',
    '.nfs*',
  ],
  editor: ['*.swp', '*.swo', '.*.sw[a-p]', '*~', '.#*', '\\#*#', '*.kate-swp', '.*.un~'],
} as const satisfies Record<string, readonly string[]>;

export type IgnorePreset = keyof typeof IGNORE_PRESETS | 'junk';
export const PRESET_NAMES: readonly IgnorePreset[] = [
  ...(Object.keys(IGNORE_PRESETS) as Array<keyof typeof IGNORE_PRESETS>),
  'junk',
];

/** The patterns of the named presets, in order, each once. Unknown names are E_USAGE. */
export function presetPatterns(names: readonly string[]): string[] {
  const out = new Set<string>();
  for (const raw of names) {
    const name = raw.trim();
    if (name === '') continue;
    if (name === 'junk') {
      for (const list of Object.values(IGNORE_PRESETS)) for (const p of list) out.add(p);
      continue;
    }
    const list = (IGNORE_PRESETS as Record<string, readonly string[]>)[name];
    if (!list)
      throw new WarpError(ErrorCodes.USAGE, `unknown ignore preset '${name}' (known: ${PRESET_NAMES.join(', ')})`);
    for (const p of list) out.add(p);
  }
  return [...out];
}

/** What is wrong with one pattern line, or undefined when it is fine (blank lines and comments are fine). */
export function patternProblem(line: string): string | undefined {
  if (line.includes('\0')) return 'a NUL character';
  const body = line.replace(/(?<!\\)\s+$/, '');
  if (body === '' || body.startsWith('#')) return undefined;
  if (/(?<!\\)(\\\\)*\\$/.test(body)) return 'it ends with a lone backslash (escape it as \\\\ or remove it)';
  if (body === '!') return "nothing follows '!'";
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (c !== '[') continue;
    const end = classEnd(body, i);
    if (end < 0) return `the '[' at column ${i + 1} is never closed (write \\[ for a literal bracket)`;
    const bad = badRange(body.slice(i + 1, end));
    if (bad) return `the range '${bad}' at column ${i + 1} is backwards`;
    i = end;
  }
  return undefined;
}

/** Index of the `]` closing the bracket expression opened at `open`, or -1 (gitignore: `[]…]` and `[!]…]` hold a literal `]`). */
function classEnd(s: string, open: number): number {
  let j = open + 1;
  if (s[j] === '!' || s[j] === '^') j++;
  if (s[j] === ']') j++;
  for (; j < s.length; j++) {
    if (s[j] === '\\') {
      j++;
      continue;
    }
    if (s[j] === ']') return j;
  }
  return -1;
}

function badRange(cls: string): string | undefined {
  const body = cls.replace(/^[!^]/, '');
  for (let k = 1; k + 1 < body.length; k++) {
    if (body[k] === '-' && body[k - 1] !== '\\' && body[k + 1] < body[k - 1]) return body.slice(k - 1, k + 2);
  }
  return undefined;
}

/** Checks every line; the first bad one is E_IGNORE_INVALID naming `source` (a file, or where patterns came from) and the line. */
export function checkPatterns(lines: readonly string[], source: string): string[] {
  const out: string[] = [];
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const problem = patternProblem(line);
    if (problem)
      throw new WarpError(
        ErrorCodes.IGNORE_INVALID,
        `${source}:${i + 1}: invalid ignore pattern '${line}': ${problem}`,
        { details: { file: source, line: i + 1, pattern: line } },
      );
    out.push(line);
  });
  return out;
}

/** Reads a pattern file (`.warpignore`, `--exclude-from`): undefined when it does not exist. */
export function readPatternFile(file: string): string[] | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = systemCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw fromSystemError(e, file, 'read');
  }
  return checkPatterns(text.split('\n'), file);
}

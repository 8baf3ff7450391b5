/**
 * Enforces the import rule (ARCHITECTURE.md): engine layers, surfaces, no Electron/React in the engine, and
 * browser-safe modules free of Node built-ins. Exit 1 with one line per violation.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BROWSER_SAFE_ENGINE, ENGINE_LAYERS, FORBIDDEN_IN_ENGINE, SURFACE_FILES, SURFACES } from './import-rules.ts';

const root = path.resolve(import.meta.dirname, '..');
const src = path.join(root, 'src');

function* walk(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (/\.(ts|tsx|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) yield p;
  }
}

const IMPORT_RE =
  /(?:^|[\s;])(?:import|export)\s+(?:type\s+)?(?:[^'"]*?\sfrom\s+)?['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;

export function importsOf(text: string): string[] {
  const out: string[] = [];
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  for (const m of noComments.matchAll(IMPORT_RE)) out.push(m[1] ?? m[2]);
  return out;
}

/** 'engine/archive', 'cli', … for a file under src/. */
function placeOf(file: string): { surface: string; layer?: string } {
  const rel = path.relative(src, file).split(path.sep);
  if (rel[0] === 'engine') return { surface: 'engine', layer: rel[1]?.replace(/\.tsx?$/, '') };
  return { surface: rel[0] };
}

const TYPE_IMPORT_RE = /(?:^|[\s;])(?:import|export)\s+type\s+[^'"]*?\sfrom\s+['"]([^'"]+)['"]/g;

/** Specifiers imported only as types (`import type … from`, `export type … from`): erased at build time. */
export function typeOnlyImportsOf(text: string): Set<string> {
  const noComments = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
  const out = new Set<string>();
  for (const m of noComments.matchAll(TYPE_IMPORT_RE)) out.add(m[1]);
  // A specifier also imported for values somewhere in the file is not type-only.
  for (const m of noComments.matchAll(IMPORT_RE))
    if (!/^\s*[;]?\s*(import|export)\s+type\s/.test(m[0].replace(/^[\s;]+/, ' '))) out.delete(m[1] ?? m[2]);
  return out;
}

export function checkFile(file: string, text: string): string[] {
  const problems: string[] = [];
  const from = placeOf(file);
  const typeOnly = from.surface === 'shared' ? typeOnlyImportsOf(text) : new Set<string>();
  const relFile = path.relative(root, file);
  for (const spec of importsOf(text)) {
    if (spec.startsWith('.')) {
      const target = path.resolve(path.dirname(file), spec);
      if (!target.startsWith(src + path.sep)) continue;
      const to = placeOf(target);
      const allowed = SURFACES[from.surface] ?? [];
      const toKey = to.surface === 'engine' ? 'engine' : to.surface;
      const relTarget = path.relative(src, target).split(path.sep).join('/');
      const oneFile = (SURFACE_FILES[from.surface] ?? []).includes(relTarget);
      // src/shared may take the engine's types (events, snapshots): type imports are erased, nothing reaches the browser.
      const engineTypes = from.surface === 'shared' && to.surface === 'engine' && typeOnly.has(spec);
      const ok =
        allowed.includes(toKey) ||
        (to.surface === 'engine' && allowed.includes(`engine/${to.layer}`)) ||
        oneFile ||
        engineTypes;
      if (oneFile && from.surface === 'shared') {
        const text = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
        if (importsOf(text).some((s) => !s.startsWith('.')))
          problems.push(
            `${relFile}: src/shared imports ${relTarget}, which must stay browser-safe (relative imports only)`,
          );
      }
      if (!ok)
        problems.push(
          `${relFile}: src/${from.surface} may not import src/${to.surface}${to.layer ? '/' + to.layer : ''} ('${spec}')`,
        );
      // A package's index.ts is its facade for other packages and surfaces; its own files import each other
      // directly (through the facade, a file would load the whole package and could close a cycle).
      if (
        from.surface === 'engine' &&
        to.surface === 'engine' &&
        from.layer === to.layer &&
        path.basename(target) === 'index.ts' &&
        path.dirname(target) === path.join(src, 'engine', to.layer ?? '') &&
        path.basename(file) !== 'index.ts'
      )
        problems.push(`${relFile}: imports its own package's facade ('${spec}'); import the file itself`);
      if (from.surface === 'engine' && to.surface === 'engine' && from.layer && to.layer && from.layer !== to.layer) {
        const layers = ENGINE_LAYERS[from.layer];
        if (!layers)
          problems.push(
            `${relFile}: engine module '${from.layer}' is not in the layer table (scripts/import-rules.ts)`,
          );
        else if (!layers.includes(to.layer))
          problems.push(`${relFile}: engine layer '${from.layer}' may not import '${to.layer}' ('${spec}')`);
      }
      if (
        from.surface === 'engine' &&
        from.layer &&
        BROWSER_SAFE_ENGINE.has(from.layer) &&
        to.surface === 'engine' &&
        to.layer === 'core'
      ) {
        const coreText = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : '';
        if (importsOf(coreText).some((s) => s.startsWith('node:')))
          problems.push(`${relFile}: browser-safe '${from.layer}' imports Node-only ${path.relative(root, target)}`);
      }
    } else if (from.surface === 'engine') {
      if (FORBIDDEN_IN_ENGINE.some((re) => re.test(spec)))
        problems.push(`${relFile}: the engine may not import '${spec}'`);
      if (
        from.layer &&
        BROWSER_SAFE_ENGINE.has(from.layer) &&
        (spec.startsWith('node:') || ['fs', 'path', 'os', 'crypto', 'worker_threads'].includes(spec))
      ) {
        problems.push(`${relFile}: browser-safe engine module '${from.layer}' may not import Node built-in '${spec}'`);
      }
    } else if (from.surface === 'shared') {
      // src/shared crosses every boundary (engine, main, preload, the browser): plain types and data only.
      problems.push(`${relFile}: src/shared may import only other src/shared files, not '${spec}'`);
    } else if (from.surface === 'renderer' && spec.startsWith('node:')) {
      problems.push(`${relFile}: the renderer may not import Node built-in '${spec}'`);
    }
  }
  return problems;
}

/** Arrows of the layer table that close a cycle (the table must stay a layering), as 'a -> b -> … -> a'. */
export function layerCycles(layers: Record<string, readonly string[]>): string[] {
  const out: string[] = [];
  const state = new Map<string, 'open' | 'done'>();
  const visit = (n: string, trail: string[]): void => {
    if (state.get(n) === 'done') return;
    if (state.get(n) === 'open') {
      out.push([...trail.slice(trail.indexOf(n)), n].join(' -> '));
      return;
    }
    state.set(n, 'open');
    for (const m of layers[n] ?? []) visit(m, [...trail, n]);
    state.set(n, 'done');
  };
  for (const n of Object.keys(layers)) visit(n, []);
  return out;
}

if (import.meta.main) {
  const problems: string[] = layerCycles(ENGINE_LAYERS).map(
    (c) => `scripts/import-rules.ts: the layer table has a cycle: ${c}`,
  );
  for (const f of walk(src)) problems.push(...checkFile(f, fs.readFileSync(f, 'utf8')));
  if (problems.length) {
    for (const p of problems) console.error(p);
    console.error(`import rule: ${problems.length} violation(s)`);
    process.exit(1);
  }
  console.log('import rule: ok');
}

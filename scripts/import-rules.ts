/**
 * The layering of ../shared/ARCHITECTURE.md and docs/ARCHITECTURE.md as data. `check-imports.ts` enforces it
 * over src/; tests import it. An arrow "a may import b" is listed as b in ENGINE_LAYERS[a]; every engine module
 * may import itself. The table lists the arrows the code uses, no more: a new arrow is a design decision, added
 * here in the same commit as the import that needs it, and only downward (the checker refuses a cycle).
 * Layers, lowest first: core; config, ignore, sched; codec, telemetry, sched-node; store, net; model; archive;
 * transfer; swarm, sync, share; service; http.
 */
export const ENGINE_LAYERS: Record<string, readonly string[]> = {
  core: [],
  config: ['core'],
  ignore: ['core'],
  sched: ['core'],
  codec: ['core', 'config'],
  telemetry: ['core', 'config'],
  'sched-node': ['core', 'sched'],
  store: ['core', 'codec'],
  net: ['core', 'codec'],
  // What archive, transfer, swarm, sync and share share: the manifest, chunk-id maps, the transfer environment.
  model: ['core', 'codec', 'store', 'net'],
  archive: ['core', 'codec', 'ignore', 'model'],
  transfer: ['core', 'codec', 'ignore', 'store', 'net', 'model', 'archive'],
  swarm: ['core', 'codec', 'store', 'net', 'model', 'transfer', 'sched'],
  sync: ['core', 'ignore', 'net', 'model', 'transfer', 'sched'],
  // Share links: beside swarm and sync, above transfer (the tree scan comes from transfer).
  share: ['core', 'codec', 'store', 'model', 'transfer'],
  service: ['core', 'config', 'codec', 'store', 'net', 'model', 'archive', 'transfer', 'swarm', 'sync', 'share'],
  http: ['core', 'config', 'service', 'share'],
};

/** Engine modules that must run in a browser (the renderer hosts the WebGPU scheduler): no Node built-ins. */
export const BROWSER_SAFE_ENGINE = new Set(['sched']);

/**
 * Top-level source folders and what they may import from the others. The engine may import src/shared (plain
 * types and data, no side effects) so the swarm engine and the daemon speak the bridge contract's own shapes.
 */
export const SURFACES: Record<string, readonly string[]> = {
  engine: ['engine', 'shared'],
  shared: ['shared'],
  cli: ['engine', 'shared', 'cli'],
  main: ['engine', 'shared', 'main'],
  preload: ['shared', 'preload'],
  renderer: ['shared', 'renderer', 'engine/sched', 'engine/core'],
  // The page a share link opens (built into dist/share-page): browser code, nothing from the Node engine.
  'share-page': ['share-page'],
};

/**
 * Single files a surface may import besides its folders. src/shared: the schema language, because the operation
 * table declares each operation's input schema with it. It is pure and browser-safe: the checker refuses it any
 * import that is not a relative file.
 */
export const SURFACE_FILES: Record<string, readonly string[]> = {
  shared: ['engine/core/schema.ts'],
};

/** Packages no engine file may import: the engine is a library, not an app. */
export const FORBIDDEN_IN_ENGINE = [/^electron(\/|$)/, /^react(-dom)?(\/|$)/, /^zustand(\/|$)/];

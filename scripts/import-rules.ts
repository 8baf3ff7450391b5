/**
 * The layering of ../shared/ARCHITECTURE.md as data. `check-imports.ts` enforces it over src/; tests import it.
 * An arrow "a may import b" is listed as b in ENGINE_LAYERS[a]. Every engine module may import itself.
 */
export const ENGINE_LAYERS: Record<string, readonly string[]> = {
  core: [],
  config: ['core'],
  ignore: ['core'],
  telemetry: ['core', 'config'],
  codec: ['core', 'config', 'telemetry'],
  store: ['core', 'config', 'telemetry', 'codec', 'ignore'],
  net: ['core', 'config', 'telemetry', 'codec', 'ignore', 'store'],
  // What archive, transfer, swarm, sync and share share: the manifest, chunk-id maps, the transfer environment.
  model: ['core', 'codec', 'store', 'net'],
  archive: ['core', 'config', 'telemetry', 'codec', 'ignore', 'model'],
  transfer: ['core', 'config', 'telemetry', 'codec', 'ignore', 'archive', 'store', 'net', 'model'],
  sched: ['core'],
  'sched-node': ['core', 'sched'],
  swarm: ['core', 'config', 'telemetry', 'codec', 'ignore', 'archive', 'store', 'net', 'model', 'transfer', 'sched'],
  sync: [
    'core',
    'config',
    'telemetry',
    'codec',
    'ignore',
    'archive',
    'store',
    'net',
    'model',
    'transfer',
    'sched',
    'swarm',
  ],
  // Share links: beside transfer and sync, above archive/store/codec (the tree scan comes from transfer).
  share: ['core', 'config', 'telemetry', 'codec', 'ignore', 'archive', 'store', 'net', 'model', 'transfer'],
  service: [
    'core',
    'config',
    'telemetry',
    'codec',
    'ignore',
    'archive',
    'store',
    'net',
    'model',
    'transfer',
    'sched',
    'swarm',
    'sync',
    'share',
  ],
  http: [
    'core',
    'config',
    'telemetry',
    'codec',
    'ignore',
    'archive',
    'store',
    'net',
    'model',
    'transfer',
    'sched',
    'swarm',
    'sync',
    'service',
    'share',
  ],
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
 * Single files a surface may import besides its folders: the schema language, because the operation table in
 * src/shared declares each operation's input schema with it (pure and browser-safe; the checker refuses it a
 * Node import); and the notification model, so the web UI's Notification API says what Electron's main
 * process says (pure: events in, title and body out).
 */
export const SURFACE_FILES: Record<string, readonly string[]> = {
  shared: ['engine/core/schema.ts'],
  renderer: ['main/notify-model.ts'],
};

/** Packages no engine file may import: the engine is a library, not an app. */
export const FORBIDDEN_IN_ENGINE = [/^electron(\/|$)/, /^react(-dom)?(\/|$)/, /^zustand(\/|$)/];

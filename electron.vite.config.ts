import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

// Main and preload are bundled for Electron's Node; the renderer is a plain web bundle that also runs in web
// mode (served by the daemon from out/renderer). `base: './'` keeps asset URLs relative so the same build loads
// from file:// in Electron and from / over HTTP.
export default defineConfig({
  // The engine's worker entries are emitted next to index.js, where workerUrl() and the scheduler look for them
  // (src/engine/core/worker-url.ts); shared chunks stay in the same folder for the same reason.
  main: {
    build: {
      rollupOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          'chunk-worker': resolve('src/engine/codec/chunk-worker.ts'),
          'sched-score-worker': resolve('src/engine/sched-node/score-worker.ts'),
          'file-hash-worker': resolve('src/engine/store/file-hash-worker.ts'),
          'chunk-files-worker': resolve('src/engine/store/chunk-files-worker.ts'),
          'manifest-worker': resolve('src/engine/archive/manifest-worker.ts'),
        },
        output: { chunkFileNames: '[name]-[hash].js' },
      },
    },
  },
  // The window runs sandboxed, and a sandboxed preload must be one CommonJS file (no ESM, no requires but 'electron').
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    base: './',
    plugins: [react()],
    build: { target: 'es2022', minify: true, rollupOptions: { input: { index: resolve('src/renderer/index.html') } } },
  },
});

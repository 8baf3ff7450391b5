import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';

// Main and preload are bundled for Electron's Node; the renderer is a plain web bundle that also runs in web
// mode (served by the daemon). The entries are minimal until the desktop issue builds them out.
export default defineConfig({
  main: { build: { rollupOptions: { input: { index: resolve('src/main/index.ts') } } } },
  preload: { build: { rollupOptions: { input: { index: resolve('src/preload/index.ts') } } } },
  renderer: { root: 'src/renderer', build: { rollupOptions: { input: { index: resolve('src/renderer/index.html') } } } },
});

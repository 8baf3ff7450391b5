// Node loader hook: `import ... from 'electron'` resolves to the stand-in next to this file (see electron.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);

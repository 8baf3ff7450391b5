/**
 * `npm start`. The desktop shell (Electron) and the daemon's web UI are not built yet, so for now this says
 * so and shows the CLI's help; it will open the window, or serve the UI and print its URL, when they exist.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
console.log('Warp: the desktop window and web UI are not built yet; here is the command-line tool (npx warp --help):\n');
const r = spawnSync(process.execPath, [path.join(root, 'bin', 'warp.js'), '--help'], { stdio: 'inherit' });
process.exit(r.status ?? 1);

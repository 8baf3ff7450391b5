/**
 * `npm start` (run by npm with the pinned Node): the desktop app where an Electron binary exists, otherwise
 * the web mode.
 *  - Electron: rebuild out/ with electron-vite when a source is newer than it, then launch Electron on it.
 *  - Web mode (no Electron binary, or `npm start -- --web`): build the UI if needed, start `warp daemon`
 *    (which serves it) and print the URL to open; Ctrl+C stops it.
 * Other arguments go to Electron or to `warp daemon` (e.g. `npm start -- --web --port 0`).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import {
  appBuildPaths,
  cliBuildPaths,
  electronBinary,
  isStale,
  NO_ELECTRON_REASON,
  repoRoot,
} from './electron-binary.ts';

const args = process.argv.slice(2);
const forceWeb = args.includes('--web');
const passThrough = args.filter((a) => a !== '--web');

function run(what: string, cmd: string, argv: string[]): void {
  process.stderr.write(`warp start: ${what}…\n`);
  const r = spawnSync(cmd, argv, { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`warp start: ${what} failed (exit ${r.status ?? r.signal})\n`);
    process.exit(r.status ?? 1);
  }
}

function buildApp(inputs: string[], outputs: string[]): void {
  if (isStale(outputs, inputs))
    run('building the app (electron-vite build)', process.execPath, [
      path.join(repoRoot, 'node_modules', 'electron-vite', 'bin', 'electron-vite.js'),
      'build',
    ]);
}

/** Forwards Ctrl+C / SIGTERM to the child and exits with its status. */
function supervise(child: ChildProcess): void {
  const forward = (sig: NodeJS.Signals) => {
    if (child.exitCode === null) child.kill(sig);
  };
  process.on('SIGINT', () => forward('SIGINT'));
  process.on('SIGTERM', () => forward('SIGTERM'));
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 0 : 1)));
}

function startElectron(binary: string): void {
  const { inputs, outputs } = appBuildPaths();
  buildApp(inputs, outputs);
  process.stderr.write(`warp start: launching Electron (${binary})\n`);
  // `electron .` runs package.json's "main" (out/main/index.js).
  supervise(spawn(binary, ['.', ...passThrough], { cwd: repoRoot, stdio: 'inherit' }));
}

function startWeb(reason: string): void {
  process.stderr.write(`warp start: web mode (${reason})\n`);
  // Only the UI matters here; the daemon runs from the CLI bundle (dist/), rebuilt when its sources changed.
  const ui = appBuildPaths();
  buildApp(
    ['src/renderer', 'src/shared', 'src/engine/sched', 'src/engine/core', 'electron.vite.config.ts'].map((p) =>
      path.join(repoRoot, p),
    ),
    ui.outputs.filter((o) => o.includes(`${path.sep}renderer${path.sep}`)),
  );
  const cli = cliBuildPaths();
  if (isStale(cli.outputs, cli.inputs))
    run('building the CLI (scripts/build-cli.ts)', process.execPath, [path.join(repoRoot, 'scripts', 'build-cli.ts')]);

  const child = spawn(
    process.execPath,
    [
      path.join(repoRoot, 'bin', 'warp.js'),
      '--json',
      'daemon',
      '--ui',
      path.join(repoRoot, 'out', 'renderer'),
      ...passThrough,
    ],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  supervise(child);
  const lines = readline.createInterface({ input: child.stdout! });
  lines.on('line', (line) => {
    let msg:
      | {
          type?: string;
          loginUrl?: string;
          lanLoginUrls?: string[];
          url?: string;
          peerId?: string;
          uiBuilt?: boolean;
          tokenFile?: string;
        }
      | undefined;
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      /* not JSON: pass it on */
    }
    if (msg?.type !== 'daemon') {
      if (msg?.type !== 'result') process.stdout.write(`${line}\n`);
      return;
    }
    const bar = '─'.repeat(72);
    process.stdout.write(
      [
        bar,
        '  Warp is running (web mode: the daemon serves the UI).',
        '',
        `  Open this URL in a browser:  ${msg.loginUrl}`,
        '',
        `  (it logs the browser in once; afterwards ${msg.url}/ is enough)`,
        ...(msg.lanLoginUrls?.length
          ? [
              '',
              '  From a phone on this network (bound to every interface):',
              ...msg.lanLoginUrls.map((u) => `    ${u}`),
            ]
          : []),
        `  API docs ${msg.url}/docs · token: npx warp daemon token · peer id ${msg.peerId}`,
        msg.uiBuilt === false ? '  The UI is not built: run npm run build.' : '',
        '  Stop with Ctrl+C.',
        bar,
        '',
      ]
        .filter((l, i, a) => l !== '' || (a[i - 1] !== '' && i > 0))
        .join('\n') + '\n',
    );
  });
}

const binary = forceWeb ? undefined : electronBinary();
if (binary) startElectron(binary);
else startWeb(forceWeb ? '--web' : NO_ELECTRON_REASON);

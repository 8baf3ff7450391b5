/**
 * `npm run bench:transfer -- --only=kill [--kills=20] [--kill-size=64MiB]`: SIGKILL of the sender or of the
 * listener (alternating) at a random moment of a `warp send` between two real processes, then the same command
 * again (against a restarted listener when the listener was the victim). Each rerun must exit 0, leave a tree
 * identical to the source (every file's SHA-256), and no part file under any name; the bytes the rerun moved
 * show what the interrupted run had already delivered. The CI runs a few such points (test/transfer/resume);
 * this is the issue's 20.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { startListener, stopProcess } from './warp-listener.ts';

const MB = 1e6;

interface Env {
  bin: string;
  homeA: string;
  homeB: string;
  idA: string;
}

function treeDigest(root: string): { files: Map<string, string>; parts: number } {
  const files = new Map<string, string>();
  let parts = 0;
  const walk = (d: string, rel: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const abs = path.join(d, e.name);
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.name.includes('.warp-part-')) parts++;
      else if (e.isDirectory()) walk(abs, r);
      else if (e.isFile()) files.set(r, crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex'));
    }
  };
  walk(root, '');
  return { files, parts };
}

const startListenerFor = (e: Env, root: string): Promise<{ proc: ChildProcess; addr: string }> =>
  startListener({ bin: e.bin, home: e.homeB, root, allow: e.idA });

function send(e: Env, src: string, to: string): ChildProcess {
  return spawn(process.execPath, [e.bin, '--json', 'send', src, to], {
    env: { ...process.env, WARP_HOME: e.homeA },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function sendSync(e: Env, src: string, to: string): { status: number; wire: number; stderr: string } {
  const r = spawnSync(process.execPath, [e.bin, '--json', 'send', src, to], {
    env: { ...process.env, WARP_HOME: e.homeA },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  const line = r.stdout
    .split('\n')
    .filter((l) => l.startsWith('{"type":"result"'))
    .at(-1);
  return {
    status: r.status ?? -1,
    wire: line ? Number((JSON.parse(line) as { wireBytes: number }).wireBytes) : NaN,
    stderr: r.stderr,
  };
}

export async function killRounds(o: {
  bin: string;
  src: string;
  work: string;
  kills: number;
  totalBytes: number;
}): Promise<void> {
  const e: Env = { bin: o.bin, homeA: path.join(o.work, 'kA'), homeB: path.join(o.work, 'kB'), idA: '' };
  const id = spawnSync(process.execPath, [o.bin, '--json', 'id'], {
    env: { ...process.env, WARP_HOME: e.homeA },
    encoding: 'utf8',
  });
  e.idA = String((JSON.parse(id.stdout.split('\n')[0]) as { peerId: string }).peerId);
  const want = treeDigest(o.src).files;
  // How long an uninterrupted send takes here: kills land uniformly inside it.
  const root0 = path.join(o.work, 'kdst-timing');
  let l = await startListenerFor(e, root0);
  const t0 = performance.now();
  const full = sendSync(e, o.src, `${l.addr}:/t`);
  const fullS = (performance.now() - t0) / 1000;
  await stopProcess(l.proc, 'SIGTERM');
  if (full.status !== 0) throw new Error(`uninterrupted send failed: ${full.stderr}`);
  console.log(
    `kill rounds: ${o.kills}, an uninterrupted send of ${(o.totalBytes / MB).toFixed(0)} MB takes ${fullS.toFixed(2)} s`,
  );
  let ok = 0;
  const movedShare: number[] = [];
  for (let i = 0; i < o.kills; i++) {
    const victim = i % 2 === 0 ? 'sender' : 'listener';
    const root = path.join(o.work, `kdst-${i}`);
    // Fresh stores per round: what the rerun skips must come from the interrupted run's part files, not a cache.
    for (const h of [e.homeA, e.homeB]) fs.rmSync(path.join(h, 'store'), { recursive: true, force: true });
    l = await startListenerFor(e, root);
    const at = 0.1 + Math.random() * Math.max(0.2, fullS - 0.2);
    const s = send(e, o.src, `${l.addr}:/k`);
    let finishedFirst = false;
    s.once('exit', () => {
      finishedFirst = true;
    });
    await new Promise((r) => setTimeout(r, at * 1000));
    const alreadyDone = finishedFirst;
    await stopProcess(victim === 'sender' ? s : l.proc, 'SIGKILL');
    if (victim === 'listener') {
      await stopProcess(s, 'SIGTERM');
      l = await startListenerFor(e, root);
    }
    const again = sendSync(e, o.src, `${l.addr}:/k`);
    await stopProcess(l.proc, 'SIGTERM');
    const got = treeDigest(path.join(root, 'k', path.basename(o.src))); // the sent folder lands inside /k
    const same = got.files.size === want.size && [...want].every(([p, h]) => got.files.get(p) === h);
    const pass = again.status === 0 && same && got.parts === 0;
    if (pass) ok++;
    movedShare.push(again.wire / o.totalBytes);
    console.log(
      `  kill ${String(i + 1).padStart(2)}: ${victim.padEnd(8)} SIGKILLed at ${at.toFixed(2)} s${alreadyDone ? ' (the send had already finished)' : ''}; rerun ${again.status === 0 ? 'ok' : `exit ${again.status}`}, moved ${(again.wire / MB).toFixed(1)} MB, ` +
        `tree ${same ? 'identical' : 'DIFFERENT'}, part files left ${got.parts}${pass ? '' : `  FAILED ${again.stderr.slice(-300)}`}`,
    );
    fs.rmSync(root, { recursive: true, force: true });
  }
  const sorted = [...movedShare].sort((a, b) => a - b);
  console.log(
    `\nkills: ${ok}/${o.kills} reruns complete, byte-identical, no part file left; a rerun moved a median ${(sorted[Math.floor(sorted.length / 2)] * 100).toFixed(0)} % of the data set's bytes ` +
      `(an uninterrupted send: ${((full.wire / o.totalBytes) * 100).toFixed(0)} %; the rest came from the interrupted run's part files)`,
  );
  if (ok !== o.kills) process.exitCode = 1;
}

/** Where config, identity and state live. WARP_HOME wins so instances and tests never share the real home. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export function warpHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WARP_HOME;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  if (process.platform === 'win32')
    return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Warp');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Warp');
  const xdg =
    env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(xdg, 'warp');
}

/**
 * Keeps WARP_HOME private: it holds the identity key, the daemon token, the trust list and the paths of past
 * transfers. An existing home with group or other bits (a 0755 made by hand or by an old version) is tightened
 * to 0700. Returns a warning to show where that cannot be done (another owner, a read-only mount), otherwise
 * undefined; a home that does not exist yet is left for the first writer to create (0700).
 */
export function secureHome(home: string): string | undefined {
  let st: fs.Stats;
  try {
    st = fs.statSync(home);
  } catch {
    return undefined;
  }
  if (!st.isDirectory() || (st.mode & 0o077) === 0) return undefined;
  const mode = (st.mode & 0o777).toString(8);
  try {
    fs.chmodSync(home, st.mode & 0o700);
    return undefined;
  } catch (e) {
    const why = (e as NodeJS.ErrnoException).code ?? String(e);
    return `${home} is readable by other users (mode ${mode}) and could not be made private (${why}); run 'chmod 700 ${home}' or set WARP_HOME to a private folder`;
  }
}

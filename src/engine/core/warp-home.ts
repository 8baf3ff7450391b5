/** Where config, identity and state live. WARP_HOME wins so instances and tests never share the real home. */
import os from 'node:os';
import path from 'node:path';

export function warpHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.WARP_HOME;
  if (fromEnv && fromEnv.trim() !== '') return path.resolve(fromEnv);
  if (process.platform === 'win32') return path.join(env.APPDATA ?? path.join(os.homedir(), 'AppData', 'Roaming'), 'Warp');
  if (process.platform === 'darwin') return path.join(os.homedir(), 'Library', 'Application Support', 'Warp');
  const xdg = env.XDG_CONFIG_HOME && env.XDG_CONFIG_HOME.trim() !== '' ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(xdg, 'warp');
}

/**
 * Power and network facts for "pause on battery / metered". Electron hosts feed `powerMonitor` into
 * SyncManager.setPowerState; on Linux without Electron (`warp sync run`, the daemon) this reads
 * /sys/class/power_supply: on battery when a battery reports Discharging and no mains/USB supply is online.
 * Linux has no file that says "metered"; hosts that know (NetworkManager, Electron) pass it in.
 */
import fs from 'node:fs';
import path from 'node:path';

const read = (file: string): string | undefined => {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** Undefined when the directory is missing (not Linux, or a container without it). */
export function readLinuxOnBattery(dir = '/sys/class/power_supply'): boolean | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  let discharging = false;
  let mainsOnline = false;
  for (const n of names) {
    const type = read(path.join(dir, n, 'type'));
    if (type === 'Battery') {
      if (read(path.join(dir, n, 'status')) === 'Discharging') discharging = true;
    } else if (type === 'Mains' || type === 'USB' || type === 'USB_C') {
      if (read(path.join(dir, n, 'online')) === '1') mainsOnline = true;
    }
  }
  return discharging && !mainsOnline;
}

/**
 * The machine's power supply as Linux reports it under /sys/class/power_supply: one scan, read by the swarm
 * (the battery level and whether we are plugged in, which a listener tells its peers) and by sync ("pause on
 * battery"). Elsewhere (not Linux, a container without the directory) it says so, and callers pick their
 * default. Electron hosts have their own power monitor and pass what it says instead.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PowerSupplyState {
  /** The first battery's charge (0..100), or undefined without a battery that reports one. */
  batteryPercent?: number;
  /** Plugged in: the first battery charges (or is full), or a mains or USB supply is online; true without a battery. */
  pluggedIn: boolean;
  /** On battery: some battery discharges and no mains or USB supply is online. */
  onBattery: boolean;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Undefined when `dir` cannot be read (not Linux, or a container without it). */
export function readPowerSupplyState(dir = '/sys/class/power_supply'): PowerSupplyState | undefined {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return undefined;
  }
  let batteryPercent: number | undefined;
  let charging = false;
  let discharging = false;
  let mainsOnline = false;
  for (const n of names.sort()) {
    const type = readText(path.join(dir, n, 'type'));
    if (type === 'Battery') {
      const status = readText(path.join(dir, n, 'status'));
      if (status === 'Discharging') discharging = true;
      if (batteryPercent !== undefined) continue; // the first battery that reports its charge
      const cap = Number(readText(path.join(dir, n, 'capacity')));
      if (Number.isFinite(cap)) batteryPercent = Math.max(0, Math.min(100, cap));
      if (status === 'Charging' || status === 'Full') charging = true;
    } else if (type === 'Mains' || type === 'USB' || type === 'USB_C') {
      if (readText(path.join(dir, n, 'online')) === '1') mainsOnline = true;
    }
  }
  // No battery: a desktop or server, always on mains.
  const pluggedIn = batteryPercent === undefined ? true : charging || mainsOnline;
  return { batteryPercent, pluggedIn, onBattery: discharging && !mainsOnline };
}

/** On battery, for "pause on battery" where no host says otherwise; undefined when the directory is missing. */
export function readLinuxOnBattery(dir = '/sys/class/power_supply'): boolean | undefined {
  return readPowerSupplyState(dir)?.onBattery;
}

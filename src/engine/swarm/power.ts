/**
 * The power and link state a peer reports in its swarm capabilities: metered link, battery level, plugged in.
 * On Linux the battery comes from /sys/class/power_supply (BAT* and AC/ADP* entries) where present; a
 * listener can also declare (or, for tests, emulate) its state. The desktop app feeds Electron's power
 * monitor through the same shape later.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface PeerPower {
  metered: boolean;
  /** 0..100, or undefined when the machine has no battery. */
  batteryPercent?: number;
  pluggedIn: boolean;
  /** Below the low-battery threshold and not plugged in. */
  batteryLow: boolean;
}

export const LOW_BATTERY_PERCENT = 20;

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** Reads the first battery and any mains adapter under `dir` (default /sys/class/power_supply). */
export function readPowerSupply(dir = '/sys/class/power_supply'): { batteryPercent?: number; pluggedIn: boolean } {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return { pluggedIn: true };
  }
  let batteryPercent: number | undefined;
  let online: boolean | undefined;
  for (const n of names.sort()) {
    const type = readText(path.join(dir, n, 'type'));
    if (type === 'Battery' && batteryPercent === undefined) {
      const cap = Number(readText(path.join(dir, n, 'capacity')));
      if (Number.isFinite(cap)) batteryPercent = Math.max(0, Math.min(100, cap));
      const status = readText(path.join(dir, n, 'status'));
      if (status === 'Charging' || status === 'Full') online = true;
    } else if (type === 'Mains' || type === 'USB') {
      if (readText(path.join(dir, n, 'online')) === '1') online = true;
      else online ??= false;
    }
  }
  // No battery: a desktop or server, always on mains.
  return { batteryPercent, pluggedIn: batteryPercent === undefined ? true : (online ?? false) };
}

export interface PowerOverrides {
  metered?: boolean;
  /** Emulated battery percentage (tests), or 'ac'. */
  battery?: number | 'ac';
  supplyDir?: string;
}

export function currentPower(o: PowerOverrides = {}): PeerPower {
  const real =
    o.battery === undefined
      ? readPowerSupply(o.supplyDir)
      : o.battery === 'ac'
        ? { pluggedIn: true }
        : { batteryPercent: o.battery, pluggedIn: false };
  const batteryLow = !real.pluggedIn && real.batteryPercent !== undefined && real.batteryPercent < LOW_BATTERY_PERCENT;
  return { metered: o.metered ?? false, batteryPercent: real.batteryPercent, pluggedIn: real.pluggedIn, batteryLow };
}

/** The `power` object of a peer's `have` / `status` answer (untrusted input: anything odd means "no"). */
export function readPower(v: unknown): PeerPower {
  const p = (v && typeof v === 'object' ? v : {}) as Record<string, unknown>;
  return {
    metered: p.metered === true,
    batteryPercent: typeof p.batteryPercent === 'number' ? p.batteryPercent : undefined,
    pluggedIn: p.pluggedIn !== false,
    batteryLow: p.batteryLow === true,
  };
}

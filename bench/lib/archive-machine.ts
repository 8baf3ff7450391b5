/** What the figures were measured on: cores, CPU model, memory, kernel and the disk under the data set. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';

export interface Machine {
  cores: number;
  cpu: string;
  memGiB: number;
  kernel: string;
  node: string;
  disk: string;
}

/** The block device, filesystem type and rotational flag of the filesystem holding `dir`. */
function diskOf(dir: string): string {
  const df = spawnSync('df', ['-P', '-T', dir], { encoding: 'utf8' });
  const cols = df.stdout?.trim().split('\n')[1]?.split(/\s+/) ?? [];
  const [dev, fstype] = cols;
  if (!dev) return 'unknown';
  const name = dev.replace(/^\/dev\//, '').replace(/\d+$/, '');
  const rot = fs.existsSync(`/sys/block/${name}/queue/rotational`)
    ? fs.readFileSync(`/sys/block/${name}/queue/rotational`, 'utf8').trim()
    : '';
  const kind = rot === '0' ? 'SSD/NVMe' : rot === '1' ? 'reported rotational (virtual disks often are)' : '';
  return [dev, fstype, kind].filter(Boolean).join(', ');
}

export function describeMachine(dataDir: string): Machine {
  const cpuinfo = fs.existsSync('/proc/cpuinfo') ? fs.readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    cores: os.availableParallelism(),
    cpu: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? 'unknown',
    memGiB: Math.round(os.totalmem() / 1024 ** 3),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    disk: diskOf(dataDir),
  };
}

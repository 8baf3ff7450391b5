/**
 * The speed a transfer row shows. Live: the engine's rate, which counts only bytes moved in this run (chunks
 * already at the destination or kept from an interrupted run advance the bar, never the rate). Finished: the
 * average over the network (wire bytes over this run's time), so a fetch that found everything locally does
 * not claim GiB/s. Paused and queued transfers move nothing and show no speed.
 */
import type { JobStatus, ProgressDto } from '../shared/events.ts';
import { formatRate } from './format.ts';
import { t } from './i18n/index.ts';

export function transferSpeed(status: JobStatus, p: ProgressDto | undefined, wireBytes: number | undefined): string {
  if (!p) return '';
  switch (status) {
    case 'running':
      return formatRate(p.rate);
    case 'paused':
      return t('speed.paused');
    case 'queued':
      return t('speed.waiting');
    case 'done':
      break;
    default:
      return '';
  }
  if (wireBytes === 0) return t('speed.nothingMoved');
  if (!(p.elapsedSeconds > 0)) return '';
  return wireBytes === undefined
    ? t('speed.avg', { rate: formatRate(p.bytes / p.elapsedSeconds) })
    : t('speed.avgNetwork', { rate: formatRate(wireBytes / p.elapsedSeconds) });
}

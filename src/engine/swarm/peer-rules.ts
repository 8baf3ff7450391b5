/**
 * Per-peer windows and budgets as users write them (config `swarm.peer_rules`, `warp fetch --peer-rule`):
 *
 *   <peer-id or address> window=required@09:00-17:00 window=avoid@18:00-22:00@Europe/Berlin days=1-5
 *                        limit=50GB used=12GB budget=5 price=0.12 min-battery=30 plugged-in low-power=exclude
 *
 * window=<kind>@<HH:MM>-<HH:MM>[@<time zone>] (kinds: required, preferred, avoid, off-peak; days apply to the
 * rule's windows, 0 = Sunday); limit = monthly data allowance; used = bytes already used this month; budget and
 * price = monthly money allowance and price per GB. They become the scheduler's EdgeConstraints.
 */
import { ErrorCodes, WarpError } from '../core/errors.ts';
import { parseByteSize } from '../core/bytes.ts';
import {
  WINDOW_KINDS,
  validateConstraints,
  type EdgeConstraints,
  type TimeWindow,
  type WindowKind,
} from '../sched/index.ts';

export interface PeerRules {
  constraints: Record<string, EdgeConstraints>;
  used: Record<string, number>;
}

export function parsePeerRules(lines: readonly string[]): PeerRules {
  const out: PeerRules = { constraints: {}, used: {} };
  for (const line of lines) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    const [peer, ...rest] = words;
    const bad = (why: string): never => {
      throw new WarpError(ErrorCodes.USAGE, `peer rule '${line}': ${why}`);
    };
    const c: EdgeConstraints = { ...out.constraints[peer] };
    const windows: TimeWindow[] = [...(c.windows ?? [])];
    let days: number[] | undefined;
    for (const w of rest) {
      const eq = w.indexOf('=');
      const k = eq < 0 ? w : w.slice(0, eq);
      const v = eq < 0 ? '' : w.slice(eq + 1);
      const num = (): number => {
        const n = Number(v);
        if (!(n >= 0) || !Number.isFinite(n)) bad(`${k} needs a number >= 0`);
        return n;
      };
      switch (k) {
        case 'window': {
          const m = /^([a-z-]+)@(\d{1,2}:\d{2})-(\d{1,2}:\d{2})(?:@(.+))?$/.exec(v);
          if (!m || !WINDOW_KINDS.includes(m[1] as WindowKind))
            bad(`window takes <${WINDOW_KINDS.join('|')}>@HH:MM-HH:MM[@zone]`);
          windows.push({
            kind: m![1] as WindowKind,
            start: m![2].padStart(5, '0'),
            end: m![3].padStart(5, '0'),
            ...(m![4] ? { timeZone: m![4] } : {}),
          });
          break;
        }
        case 'days': {
          const m = /^(\d)-(\d)$/.exec(v);
          days = m
            ? Array.from({ length: Number(m[2]) - Number(m[1]) + 1 }, (_, i) => Number(m[1]) + i)
            : v.split(',').map(Number);
          if (days.some((d) => !(Number.isInteger(d) && d >= 0 && d <= 6)))
            bad('days are 0 (Sunday) to 6, as 1-5 or 0,6');
          break;
        }
        case 'limit':
          c.monthlyDataLimitBytes = parseByteSize(v, 'limit');
          break;
        case 'used':
          out.used[peer] = parseByteSize(v, 'used');
          break;
        case 'budget':
          c.monthlyBudget = num();
          break;
        case 'price':
          c.pricePerGB = num();
          break;
        case 'min-battery':
          c.minBatteryPercent = num();
          break;
        case 'plugged-in':
          c.pluggedInOnly = true;
          break;
        case 'low-power':
          if (v !== 'exclude' && v !== 'penalize') bad('low-power is exclude or penalize');
          c.lowPowerMode = v as 'exclude' | 'penalize';
          break;
        default:
          bad(`unknown key '${k}'`);
      }
    }
    if (days) for (let i = 0; i < windows.length; i++) if (!windows[i].days) windows[i] = { ...windows[i], days };
    if (windows.length > 0) c.windows = windows;
    try {
      validateConstraints(c);
    } catch (e) {
      bad((e as Error).message);
    }
    out.constraints[peer] = c;
  }
  return out;
}

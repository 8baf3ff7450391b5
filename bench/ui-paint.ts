/**
 * First paint of the web UI in Debian's Chromium against a real daemon (`npm run bench:ui-paint`): first
 * contentful paint (the Paint Timing API) and the first data render (the status bar says "connected" and the
 * Archive page shows the library the daemon sent), both from navigation start. Cold: a fresh browser profile
 * (empty HTTP cache) opening the app with the daemon token; warm: a reload in the same profile. Median of --rounds.
 */
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchChromium } from '../e2e/helpers/browser.ts';
import { startTestDaemon } from '../e2e/helpers/daemon.ts';
import { ensureUiBuilt } from '../e2e/helpers/ui-build.ts';

const { values } = parseArgs({ options: { rounds: { type: 'string', default: '5' } } });
const rounds = Number(values.rounds);

interface Sample {
  fcp: number;
  data: number;
}

/** Records, in the page, when the first data render happens (checked on every DOM change). */
function watchFirstData(): void {
  const w = window as unknown as { __firstData?: number };
  const check = () => {
    if (w.__firstData !== undefined) return;
    const bar = document.querySelector('[data-testid=statusbar]')?.textContent ?? '';
    const lib = document.querySelector('[data-testid=library]');
    const listed = !!lib && (/No archives yet/.test(lib.textContent ?? '') || !!lib.querySelector('tbody tr'));
    if (bar.includes('connected') && listed) w.__firstData = performance.now();
  };
  new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
}

async function sample(page: Page): Promise<Sample> {
  await page.waitForFunction(() => (window as unknown as { __firstData?: number }).__firstData !== undefined, null, {
    timeout: 60_000,
  });
  return page.evaluate(() => ({
    fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? NaN,
    data: (window as unknown as { __firstData: number }).__firstData,
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const line = (name: string, s: Sample[]) =>
  `${name}: first contentful paint median ${median(s.map((x) => x.fcp)).toFixed(0)} ms ` +
  `(${s.map((x) => x.fcp.toFixed(0)).join(', ')}), first data render median ${median(s.map((x) => x.data)).toFixed(0)} ms ` +
  `(${s.map((x) => x.data.toFixed(0)).join(', ')})`;

ensureUiBuilt();
const daemon = await startTestDaemon({ name: 'ui-paint' });
const cold: Sample[] = [];
const warm: Sample[] = [];
try {
  for (let r = 0; r < rounds; r++) {
    const chrome = await launchChromium();
    try {
      await chrome.context.addInitScript(watchFirstData);
      const page = await chrome.context.newPage();
      // The daemon token in the address (the sign-in link is single-use; each round is a fresh profile).
      await page.goto(`${daemon.url}/#token=${daemon.token}`);
      cold.push(await sample(page));
      await page.reload();
      warm.push(await sample(page));
    } finally {
      await chrome.close();
    }
  }
} finally {
  await daemon.stop();
  fs.rmSync(daemon.home, { recursive: true, force: true });
}
console.log(line('cold (fresh profile)', cold));
console.log(line('warm (reload)', warm));
console.log(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()}`);

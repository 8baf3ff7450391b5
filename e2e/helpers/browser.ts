/**
 * Debian Chromium driven by playwright-core: headless, fresh profile per launch, no network chatter. Tests skip
 * (with the reason) only when the binary is missing.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = process.env.WARP_CHROMIUM ?? '/usr/bin/chromium';
export const chromiumMissing = fs.existsSync(CHROMIUM)
  ? ''
  : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set WARP_CHROMIUM)`;

export const SCREENSHOT_DIR = path.resolve(import.meta.dirname, '../../test-results/screenshots');

export interface LaunchedBrowser {
  browser: Browser;
  context: BrowserContext;
  close(): Promise<void>;
}

/** `locale`: the browser's (and so, by default, the UI's) language; en-US unless a test asks for another. */
export async function launchChromium(opts: { webgpu?: boolean; locale?: string } = {}): Promise<LaunchedBrowser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'warp-e2e-profile-'));
  const args = [
    '--headless',
    '--no-sandbox',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ];
  if (opts.webgpu) args.push('--enable-unsafe-webgpu');
  // A fresh --user-data-dir: playwright passes `profile` as Chromium's --user-data-dir (it refuses the flag in args).
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args,
      viewport: { width: 1280, height: 800 },
      headless: true,
      locale: opts.locale ?? 'en-US',
    });
  } catch (err) {
    fs.rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const browser = context.browser();
  return {
    browser: browser as Browser,
    context,
    async close() {
      await context.close().catch(() => undefined);
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** A new page signed in through the daemon's login URL, once the status bar says the event stream is connected. */
export async function openSignedIn(
  chrome: LaunchedBrowser,
  loginUrl: string,
  onPage?: (page: Page) => void,
): Promise<Page> {
  const page = await chrome.context.newPage();
  onPage?.(page);
  await page.goto(loginUrl);
  await page.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
  return page;
}

/**
 * What sticks out sideways at the current width: the page content must fit (tables scroll inside their own
 * wrappers). Returns '' when nothing does, else the widest offenders.
 */
export async function horizontalOverflow(page: Page): Promise<string> {
  return page.evaluate(() => {
    const main = document.querySelector('main');
    const root = document.documentElement;
    if ((!main || main.scrollWidth <= main.clientWidth + 1) && root.scrollWidth <= root.clientWidth + 1) return '';
    const limit = main?.getBoundingClientRect().right ?? window.innerWidth;
    const wide = Array.from((main ?? document.body).querySelectorAll<HTMLElement>('*'))
      .filter((el) => el.getBoundingClientRect().right > limit + 1 && !el.closest('.table-wrap'))
      .map(
        (el) =>
          `${el.tagName.toLowerCase()}.${Array.from(el.classList).join('.')} (right ${Math.round(el.getBoundingClientRect().right)})`,
      );
    return `content ${main?.scrollWidth ?? root.scrollWidth} px wide in ${main?.clientWidth ?? root.clientWidth} px: ${wide.slice(0, 6).join(', ')}`;
  });
}

/**
 * Screenshots at desktop (1280×800) and phone (390×844) width, named <name>-desktop.png / -phone.png. At phone
 * width nothing may stick out sideways (rows once overflowed to 551 px): that fails the test.
 */
export async function screenshotBoth(page: Page, name: string): Promise<void> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const original = page.viewportSize() ?? { width: 1280, height: 800 };
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-desktop.png`) });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(150);
  await page.screenshot({ path: path.join(SCREENSHOT_DIR, `${name}-phone.png`) });
  const overflow = await horizontalOverflow(page);
  await page.setViewportSize(original);
  if (overflow) throw new Error(`${name} at 390 px: ${overflow}`);
}

/** Starts sampling requestAnimationFrame deltas in the page (until stopFrameSampling). */
export async function startFrameSampling(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __frameStop: boolean };
    w.__frames = [];
    w.__frameStop = false;
    let last = performance.now();
    const tick = (now: number) => {
      w.__frames.push(now - last);
      last = now;
      if (!w.__frameStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame(tick);
  });
}

export interface FrameStats {
  frames: number;
  p50: number;
  p95: number;
  max: number;
}

export async function stopFrameSampling(page: Page): Promise<FrameStats> {
  const deltas = await page.evaluate(() => {
    const w = window as unknown as { __frames: number[]; __frameStop: boolean };
    w.__frameStop = true;
    return w.__frames.slice(1);
  });
  const sorted = [...deltas].sort((a, b) => a - b);
  const q = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] : NaN);
  return { frames: sorted.length, p50: q(0.5), p95: q(0.95), max: sorted.at(-1) ?? NaN };
}

/**
 * Drops files on an element the way a user's drag does: a DataTransfer holding File objects with their
 * relative paths (webkitRelativePath cannot be set on File, so the path is the file name with folders,
 * which the UI's fallback reads from dataTransfer.files).
 */
export async function dropFiles(
  page: Page,
  selector: string,
  files: { path: string; base64: string }[],
): Promise<void> {
  const dt = await page.evaluateHandle((list) => {
    const d = new DataTransfer();
    for (const f of list) {
      const bytes = Uint8Array.from(atob(f.base64), (c) => c.charCodeAt(0));
      const file = new File([bytes], f.path.split('/').pop()!, { type: 'application/octet-stream' });
      // Keep the folder structure visible to the page: the UI reads webkitRelativePath when set.
      Object.defineProperty(file, 'webkitRelativePath', { value: f.path });
      d.items.add(file);
    }
    return d;
  }, files);
  for (const type of ['dragenter', 'dragover', 'drop']) await page.dispatchEvent(selector, type, { dataTransfer: dt });
}

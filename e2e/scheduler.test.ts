/**
 * Signing in with the token (no login link), then the scheduler inside the web UI, in Chromium with WebGPU enabled (--enable-unsafe-webgpu): the page picks the
 * WebGPU backend only for a real (non-fallback) adapter and says which one runs; the Routing page's plan panel
 * runs the engine's simulator on it, and the same plan forced onto WebGPU (SwiftShader here) matches the CPU
 * plan exactly (deterministic simulator, bit-identical k-best).
 */
import fs from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium, screenshotBoth, type LaunchedBrowser } from './helpers/browser.ts';
import { startTestDaemon, waitFor, type RunningTestDaemon } from './helpers/daemon.ts';
import { ensureUiBuilt } from './helpers/ui-build.ts';

let daemon: RunningTestDaemon | undefined;
let chrome: LaunchedBrowser | undefined;
let page: Page;

async function plan(p: Page, backend: 'auto' | 'cpu' | 'webgpu'): Promise<{ backend: string; summary: string }> {
  await p.getByTestId('plan-backend-select').selectOption(backend);
  const run = () =>
    p.evaluate(() => Number(document.querySelector('[data-testid=plan-result]')?.getAttribute('data-run') ?? 0));
  const before = await run();
  await p.getByTestId('plan-run').click();
  await p.waitForFunction(
    (prev) => Number(document.querySelector('[data-testid=plan-result]')?.getAttribute('data-run') ?? 0) > prev,
    before,
    { timeout: 60_000 },
  );
  const el = p.getByTestId('plan-result');
  return {
    backend: (await el.getAttribute('data-backend')) ?? '',
    summary: (await el.getAttribute('data-summary')) ?? '',
  };
}

describe.skipIf(chromiumMissing !== '')(
  `scheduler backend in the page${chromiumMissing ? ` — skipped: ${chromiumMissing}` : ''}`,
  () => {
    beforeAll(async () => {
      ensureUiBuilt();
      daemon = await startTestDaemon({ name: 'sched' });
      chrome = await launchChromium({ webgpu: true });
      page = await chrome.context.newPage();
      // No login link this time: the page asks for the token, and works with it (bearer header, ?token= on SSE).
      await page.goto(daemon.url);
      await page.getByRole('dialog').getByText('Sign in to this Warp daemon').waitFor({ timeout: 20_000 });
      await page.getByLabel('daemon token').fill(daemon.token);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByTestId('statusbar').getByText('connected').waitFor({ timeout: 20_000 });
      await waitFor('the sign-in dialog to close', async () => (await page.getByRole('dialog').count()) === 0, 10_000);
    }, 240_000);

    afterAll(async () => {
      await chrome?.close();
      await daemon?.stop();
      if (daemon) fs.rmSync(daemon.home, { recursive: true, force: true });
    });

    it('shows which backend runs, chosen by the adapter the page really has', async () => {
      const adapter = await page.evaluate(async () => {
        const gpu = (
          navigator as Navigator & {
            gpu?: {
              requestAdapter(): Promise<{
                info?: { isFallbackAdapter?: boolean; architecture?: string; description?: string };
              } | null>;
            };
          }
        ).gpu;
        const a = gpu ? await gpu.requestAdapter() : null;
        return a
          ? {
              fallback: Boolean(a.info?.isFallbackAdapter),
              name: `${a.info?.architecture ?? ''} ${a.info?.description ?? ''}`,
            }
          : null;
      });
      const software =
        adapter === null || adapter.fallback || /swiftshader|llvmpipe|lavapipe|software/i.test(adapter.name);
      const chip = page.getByTestId('scheduler-backend');
      await expect.poll(() => chip.innerText(), { timeout: 20_000 }).not.toContain('probing');
      expect(await chip.innerText()).toContain(software ? 'CPU' : 'WebGPU');
      await page.getByTestId('nav-settings').click();
      const about = await page.getByTestId('about-scheduler').innerText();
      expect(about).toContain(software ? 'CPU' : 'WebGPU');
      if (adapter && software) expect(about).toMatch(/software|fallback/i);
    });

    it('plans a swarm on the page backend; forced WebGPU gives the same plan as the CPU', async () => {
      await page.getByTestId('nav-routing').click();
      const auto = await plan(page, 'auto');
      expect(JSON.parse(auto.summary).done).toBeGreaterThan(0);
      const cpu = await plan(page, 'cpu');
      expect(cpu.backend).toMatch(/^cpu/);
      expect(cpu.summary).toBe(auto.summary);
      const hasAdapter = await page.evaluate(async () =>
        Boolean(
          await (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu?.requestAdapter(),
        ),
      );
      if (hasAdapter) {
        const gpu = await plan(page, 'webgpu');
        expect(gpu.backend).toMatch(/^webgpu/);
        expect(gpu.summary).toBe(cpu.summary);
      } else
        console.log('[e2e scheduler] no WebGPU adapter in this Chromium: the forced-WebGPU comparison did not run');
      await screenshotBoth(page, 'routing-plan');
    });
  },
);

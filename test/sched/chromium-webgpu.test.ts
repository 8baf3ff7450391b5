/**
 * CPU vs WGSL inside real Chromium: the scheduler's engine code (the code the renderer bundles) runs in a page
 * served from 127.0.0.1 (a secure context), on Chromium's own WebGPU (`--enable-unsafe-webgpu`: SwiftShader here,
 * the real GPU elsewhere; Playwright gives each launch a fresh profile). Edge indices must match exactly, costs within 1e-6 relative. In CI a missing Chromium
 * or adapter is a failure; locally it skips and says why.
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireGpu } from './gpu.ts';
import type { PageReport } from './browser/equivalence-entry.ts';

const CHROMIUM = process.env.WARP_CHROMIUM ?? '/usr/bin/chromium';
let browser: Browser | undefined;
let server: http.Server | undefined;
let url = '';
let skipReason = '';

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM)) {
    skipReason = `no Chromium at ${CHROMIUM} (apt-get install chromium, or set WARP_CHROMIUM)`;
    if (requireGpu) throw new Error(`CI requires Chromium for the WebGPU equivalence test: ${skipReason}`);
    return;
  }
  const bundle = await build({
    entryPoints: [path.join(import.meta.dirname, 'browser', 'equivalence-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
  });
  const script = bundle.outputFiles[0].text;
  server = http.createServer((req, res) => {
    if (req.url === '/bundle.js') {
      res.writeHead(200, { 'content-type': 'text/javascript' });
      res.end(script);
    } else {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        '<!doctype html><meta charset="utf-8"><title>sched equivalence</title><script src="/bundle.js"></script>',
      );
    }
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--enable-unsafe-webgpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
});

afterAll(async () => {
  await browser?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
});

describe('CPU vs WGSL in Chromium', () => {
  it('gives identical k-best and the same simulation on Chromium WebGPU', async (ctx) => {
    if (!browser) {
      console.warn(`skipping the Chromium WebGPU equivalence test: ${skipReason}`);
      return ctx.skip();
    }
    const page = await browser.newPage();
    await page.goto(url);
    const specs = [
      { chunks: 1, edges: 1, replicas: 1, k: 1, seed: 3, policy: 'balanced' },
      { chunks: 700, edges: 40, replicas: 6, k: 4, seed: 11, policy: 'performance' },
      { chunks: 1500, edges: 90, replicas: 10, k: 8, seed: 12, unavailableFraction: 0.3, policy: 'eco' },
      {
        chunks: 999,
        edges: 7,
        replicas: 3,
        k: 2,
        seed: 13,
        coarse: true,
        meteredFraction: 0.4,
        batteryLowFraction: 0.3,
        policy: 'cost-conscious',
      },
      { chunks: 512, edges: 64, replicas: 8, k: 5, seed: 14, policy: 'quiet' },
    ];
    const report = await page.evaluate(
      (s) => (globalThis as unknown as { warpEquivalence: (x: unknown) => Promise<PageReport> }).warpEquivalence(s),
      specs,
    );
    await page.close();
    if (report.error) {
      if (requireGpu) throw new Error(`CI requires a WebGPU adapter in Chromium: ${report.error}`);
      console.warn(`skipping: ${report.error}`);
      return ctx.skip();
    }
    console.info(`Chromium WebGPU adapter: ${report.adapter}${report.software ? ' (software)' : ''}`);
    expect(report.cases).toHaveLength(specs.length);
    for (const c of report.cases) {
      expect(c.pairs).toBeGreaterThan(0);
      expect(c.edgeMismatches, JSON.stringify(c.spec)).toBe(0);
      expect(c.listMismatches, JSON.stringify(c.spec)).toBe(0);
      expect(c.worstRelCost, JSON.stringify(c.spec)).toBeLessThanOrEqual(1e-6);
    }
    expect(report.simulationEqual).toBe(true);
  });
});

/** axe-core run inside a page (the a11y suite, the first-run guide): its critical and serious findings. */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core is a devDependency; a checkout without it installed skips with the reason (like a missing Chromium). */
function findAxe(): string {
  try {
    return createRequire(import.meta.url).resolve('axe-core/axe.min.js');
  } catch {
    return '';
  }
}
export const AXE = findAxe();
export const axeMissing = AXE ? '' : 'axe-core is not installed (npm install)';

export interface Violation {
  id: string;
  impact: string;
  help: string;
  nodes: { target: string[] }[];
}

export async function axe(p: Page): Promise<Violation[]> {
  // Evaluated through the debugging protocol: the page's CSP (script-src 'self') refuses an injected <script>.
  if (!(await p.evaluate(() => 'axe' in window))) await p.evaluate(fs.readFileSync(AXE, 'utf8'));
  return p.evaluate(async () => {
    const r = await (
      window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: Violation[] }> } }
    ).axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.slice(0, 5).map((n) => ({ target: n.target })),
    }));
  });
}

/** Critical and serious findings, one line each (what the suites fail on). */
export async function seriousViolations(p: Page): Promise<string[]> {
  return (await axe(p))
    .filter((v) => v.impact === 'critical' || v.impact === 'serious')
    .map((v) => `${v.impact} ${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

import fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

/** axe-core's browser build, injected into the page under test. */
export const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

export interface AxeProblem {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page (or on the element matching `selector`) and returns the
 * serious and critical violations, one line each with where they are, so a failing
 * `expect(...).toEqual([])` reads as a to-do list.
 */
export async function seriousViolations(page: Page, selector = 'body'): Promise<string[]> {
  // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does
  // not govern: a <script> tag (addScriptTag) is inline script, which the app's policy blocks.
  if (!(await page.evaluate(() => 'axe' in window))) {
    axeSource ??= fs.readFileSync(AXE_PATH, 'utf8');
    await page.evaluate(axeSource);
  }
  const problems = await page.evaluate(async (root) => {
    type Result = { violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] };
    const axe = (window as unknown as { axe: { run: (context: Element, options: object) => Promise<Result> } }).axe;
    const element = document.querySelector(root);
    if (!element) throw new Error(`axe: nothing matches ${root}`);
    const result = await axe.run(element, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact ?? '',
      help: v.help,
      targets: v.nodes.map((n) => n.target.join(' ')),
    }));
  }, selector);
  return problems
    .filter((p: AxeProblem) => p.impact === 'serious' || p.impact === 'critical')
    .map((p: AxeProblem) => `${p.impact} ${p.id} (${p.help}) at ${p.targets.slice(0, 3).join(', ')}`);
}

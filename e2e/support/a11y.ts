import AxeBuilder from "@axe-core/playwright";
import { expect, test, type Page } from "@playwright/test";

/** WCAG 2.x A and AA, and axe's best practices (landmarks, one h1, ...). */
const TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];
const BLOCKING = new Set(["serious", "critical"]);

/**
 * Scans the page as it is now with axe-core and fails on any serious or critical violation, naming
 * the rule, its help page and the offending elements (at the end of the test, after every state). Minor and moderate findings are reported on
 * the test (annotations) without failing it.
 */
export async function expectAccessible(page: Page, state: string) {
  await test.step(`axe: ${state}`, async () => {
    const { violations } = await new AxeBuilder({ page }).withTags(TAGS).analyze();
    const blocking = violations.filter((v) => BLOCKING.has(v.impact ?? ""));
    for (const v of violations.filter((x) => !BLOCKING.has(x.impact ?? ""))) {
      test.info().annotations.push({ type: `axe ${v.impact}`, description: `${state}: ${v.id} (${v.nodes.length}×) ${v.helpUrl}` });
    }
    const report = blocking.map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} (${v.helpUrl})\n${v.nodes.map((n) => `    ${n.target.join(" ")}: ${n.failureSummary?.replace(/\n/g, " ")}`).join("\n")}`,
    );
    // Soft: every state of the test is scanned and reported, not only the first one that fails.
    expect.soft(report, `serious or critical accessibility violations on ${state} (${page.url()})`).toEqual([]);
  });
}

import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/**
 * The documentation stays honest: every relative link in README.md, CONTRIBUTING.md and docs/
 * reaches a file that exists, every #anchor a heading of its page, and every repository path
 * named in backticks (`lib/plural/signature.ts`) is still there. A renamed file or section fails
 * here, not in a reader's browser.
 */

const ROOT = path.resolve(__dirname, "..");

function markdownFiles(): string[] {
  const docs = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir)).flatMap((name) => {
      const rel = path.join(dir, name);
      if (statSync(path.join(ROOT, rel)).isDirectory()) return docs(rel);
      return name.endsWith(".md") ? [rel] : [];
    });
  return ["README.md", "CONTRIBUTING.md", ...docs("docs")].filter((f) => existsSync(path.join(ROOT, f)));
}

/** The text outside fenced code blocks (links and paths inside examples are not checked). */
function prose(markdown: string): string {
  let fenced = false;
  return markdown
    .split("\n")
    .map((line) => {
      if (/^\s*(```|~~~)/.test(line)) {
        fenced = !fenced;
        return "";
      }
      return fenced ? "" : line;
    })
    .join("\n");
}

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(markdown).split("\n")) {
    const m = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const text = m[1]!.replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1").replace(/<[^>]+>/g, "");
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  for (const m of markdown.matchAll(/<a\s+(?:name|id)="([^"]+)"/g)) out.add(m[1]!);
  return out;
}

/** `[text](target)` links, inline code stripped first so `a[i](x)` in code is not a link. */
function links(markdown: string): string[] {
  const text = prose(markdown).replace(/`[^`\n]*`/g, "``");
  return [...text.matchAll(/\]\(\s*(?:<([^>\n]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)].map((m) => (m[1] ?? m[2])!);
}

/** Repository paths in inline code: `lib/…`, `app/…`, `scripts/…` and the like, with a file extension or a trailing slash. */
function namedPaths(markdown: string): string[] {
  const roots = "app|components|lib|prisma|public|e2e|bench|scripts|docs";
  const re = new RegExp(`\`((?:${roots})/[A-Za-z0-9_.()\\[\\]/-]*?(?:\\.[a-z]{1,4}|/))\``, "g");
  return [...prose(markdown).matchAll(re)].map((m) => m[1]!).filter((p) => !/[*<>]/.test(p));
}

/**
 * Named in the docs, never in a fresh clone: made at run time and git-ignored, or files of the
 * reader's own app in docs/integrate.md (its `lib/shop/`).
 */
const GENERATED = [/^bench\/results\//, /^test-results\//, /^prisma\/[^/]+\.db$/, /^lib\/shop\//];

const files = markdownFiles();

describe("documentation", () => {
  it("finds the pages", () => {
    expect(files).toContain("README.md");
    expect(files.filter((f) => f.startsWith("docs/")).length).toBeGreaterThan(5);
  });

  it.each(files)("%s: every relative link and #anchor resolves", (file) => {
    const markdown = readFileSync(path.join(ROOT, file), "utf8");
    const broken: string[] = [];
    for (const target of links(markdown)) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      const [rawPath, anchor] = target.split("#", 2) as [string, string | undefined];
      const resolved = rawPath ? path.resolve(path.dirname(path.join(ROOT, file)), decodeURIComponent(rawPath)) : path.join(ROOT, file);
      if (!existsSync(resolved)) {
        broken.push(`${target}: no such file`);
        continue;
      }
      if (anchor && resolved.endsWith(".md") && !anchors(readFileSync(resolved, "utf8")).has(anchor)) broken.push(`${target}: no such heading`);
    }
    expect(broken).toEqual([]);
  });

  it.each(files)("%s: every repository path it names exists", (file) => {
    const markdown = readFileSync(path.join(ROOT, file), "utf8");
    const missing = namedPaths(markdown).filter((p) => !GENERATED.some((g) => g.test(p)) && !existsSync(path.join(ROOT, p)));
    expect([...new Set(missing)]).toEqual([]);
  });

  it("reads anchors as GitHub writes them", () => {
    const a = anchors("# Plural UPI\n## `lib/plural` in one screen\n## Where the server's CPU goes\n## Notes\n## Notes\n```\n# not a heading\n```");
    expect([...a]).toEqual(["plural-upi", "libplural-in-one-screen", "where-the-servers-cpu-goes", "notes", "notes-1"]);
  });
});

import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

/**
 * The layers (CONTRIBUTING.md, "The layers"), kept by the linter. Each entry: an import path (regex, matched
 * against `@/…` and relative forms) that a folder may not use, and why. Types may cross a boundary.
 */
const layer = (files, rules, ignores = []) => ({
  files,
  ignores: ["**/*.test.ts", "**/*.test.tsx", ...ignores],
  rules: {
    "@typescript-eslint/no-restricted-imports": ["error", { patterns: rules.map(([regex, message]) => ({ regex, message, allowTypeImports: true })) }],
  },
});
const from = (target) => `^(@/|(\\.\\./)+)(lib/)?${target}`;

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // Playwright fixtures call their callback `use`; it is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  // Components render what they are given: no database, no Plural client, no engine, no routes.
  layer(
    ["components/**"],
    [
      [from("db"), "Components get their data as props: pages read through lib/orders."],
      [from("orders(?!/status/statuses$)"), "Components may use lib/orders/status/statuses only (client-safe): the rest is server-side."],
      [from("plural(?!/upi$)"), "Components may use lib/plural/upi only: only lib/plural talks to Plural."],
      [from("sandbox"), "Components get the sandbox's read models as props (types only)."],
      [from("app/"), "Components do not depend on routes or actions' modules: pass actions as props."],
    ],
  ),
  // Pages, actions and routes go through the domain: no queries of their own, no Plural calls.
  layer(
    ["app/**"],
    [
      [from("db"), "Pages and routes read and write through lib/orders (query functions), never db()."],
      [from("generated"), "Pages and routes read and write through lib/orders."],
      [from("plural(?!/upi$)"), "Only lib/orders calls lib/plural: pages and routes go through the domain."],
      [from("sandbox"), "The shop does not know the sandbox: only app/sandbox serves it."],
    ],
    ["app/sandbox/**", "app/api/bench/**"],
  ),
  // The sandbox's own pages may use the sandbox and parse UPI links, nothing of the shop's data.
  layer(
    ["app/sandbox/**"],
    [
      [from("db"), "The sandbox has its own state: it never reads the shop's database."],
      [from("orders"), "The sandbox plays Plural: it knows nothing of the shop's orders."],
    ],
  ),
  // The Plural client is a library: it knows nothing of the shop, its database, the sandbox or React.
  layer(
    ["lib/plural/**"],
    [
      ["^@/", "lib/plural imports only its own files and npm packages: it is copied alone into other apps (lib/plural/README.md)."],
      [from("(orders|db|sandbox|generated)"), "lib/plural is the Plural client only: no shop, database or sandbox."],
      [from("app/"), "lib/plural does not depend on routes."],
      ["^(react|next)(/|$)", "lib/plural runs anywhere: no React or Next.js."],
    ],
  ),
  // The sandbox plays Plural: it may use Plural's shapes and signatures, never the shop's data.
  layer(
    ["lib/sandbox/**"],
    [
      [from("(orders|db|generated)"), "The sandbox plays Plural: it knows nothing of the shop's orders or database."],
      [from("app/"), "The sandbox does not depend on routes."],
    ],
  ),
  // The domain: no sandbox (it talks to Plural through lib/plural, wherever Plural is), no UI.
  layer(
    ["lib/orders/**"],
    [
      [from("sandbox"), "The domain talks to Plural through lib/plural only, sandbox or not."],
      [from("(app|components)/"), "The domain does not depend on pages or components."],
      ["^react-dom(/|$)", "The domain has no UI (React's request `cache` is all it uses of React)."],
    ],
  ),
  // Process-wide state goes through lib/process-global.ts (one documented place, one slot per name):
  // a bare globalThis hides a singleton from readers and from the tests that reset it. lib/plural
  // stays standalone (it imports nothing of the store) and keeps no state there.
  {
    files: ["app/**", "components/**", "lib/**"],
    ignores: ["**/*.test.ts", "**/*.test.tsx", "lib/process-global.ts", "lib/plural/**", "lib/generated/**"],
    rules: {
      "no-restricted-globals": [
        "error",
        { name: "globalThis", message: "Keep process-wide state through lib/process-global.ts (processGlobal, peekProcessGlobal, forgetProcessGlobal)." },
      ],
    },
  },
  // Every environment variable is read and validated in lib/env.ts and listed in docs/configuration.md.
  // Tests, their helpers (lib/testing, the contract suite's harness), scripts, benchmarks and e2e set
  // and read their own; lib/plural is configured by its caller.
  {
    files: ["app/**", "components/**", "lib/**", "proxy.ts", "instrumentation.ts"],
    ignores: ["**/*.test.ts", "**/*.test.tsx", "lib/env.ts", "lib/plural/**", "lib/testing/**", "lib/sandbox/contract/harness.ts", "lib/generated/**"],
    rules: {
      "no-restricted-properties": [
        "error",
        { object: "process", property: "env", message: "Read configuration through env() (lib/env.ts), validated there and listed in docs/configuration.md." },
      ],
    },
  },
  // No import cycles (dynamic import() included): a module's dependencies are read top down, and a
  // cycle makes load order decide what is undefined. Type-only imports are not followed (erased).
  { files: ["app/**", "components/**", "lib/**"], ignores: ["lib/generated/**"], rules: { "import/no-cycle": ["error", { ignoreExternal: true }] } },
  // No source file over 400 lines, tests included: a file a newcomer can read in one sitting.
  {
    files: ["{app,components,lib,bench,scripts,e2e}/**/*.{ts,tsx,mts,mjs}"],
    ignores: ["lib/generated/**"],
    rules: { "max-lines": ["error", { max: 400, skipBlankLines: false, skipComments: false }] },
  },
  globalIgnores([
    ".next/**",
    ".chaos/**",
    "lib/generated/**",
    "bench/results/**",
    "node_modules/**",
    "test-results/**",
    "playwright-report/**",
    "next-env.d.ts",
  ]),
]);

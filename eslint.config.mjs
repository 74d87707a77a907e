import { defineConfig, globalIgnores } from "eslint/config";
import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

export default defineConfig([
  ...nextVitals,
  ...nextTs,
  // The shop's pages and components read through lib/orders, and know nothing of the sandbox's code
  // (the sandbox may be another service): issue 9's layer rule, for the pay and result pages first.
  {
    files: ["app/(shop)/**/*.tsx", "components/pay/**", "components/shop/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: ["@/lib/db", "@/lib/db/*"], message: "Pages read through lib/orders query functions." },
            { group: ["@/lib/sandbox", "@/lib/sandbox/*"], message: "The shop does not import the sandbox; link to its pages instead." },
          ],
        },
      ],
    },
  },
  // Playwright fixtures call their callback `use`; it is not React's hook.
  { files: ["e2e/**"], rules: { "react-hooks/rules-of-hooks": "off" } },
  globalIgnores([".next/**", "lib/generated/**", "node_modules/**", "test-results/**", "playwright-report/**", "next-env.d.ts"]),
]);

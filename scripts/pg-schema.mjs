#!/usr/bin/env node
/**
 * PostgreSQL's Prisma schema, generated from the one source of truth, prisma/schema.prisma (SQLite).
 * Only the datasource and the client's output folder differ; every model is the same text.
 *   node scripts/pg-schema.mjs           write prisma/postgresql/schema.prisma
 *   node scripts/pg-schema.mjs --check   exit 1 when the committed file is not what the source gives
 */
import { readFileSync, writeFileSync } from "node:fs";

const SOURCE = "prisma/schema.prisma";
const TARGET = "prisma/postgresql/schema.prisma";

export function postgresSchema(source) {
  let out = source
    .replace(/datasource db \{[^}]*\}/, `datasource db {\n  provider = "postgresql"\n}`)
    .replace(/output(\s*)= "\.\.\/lib\/generated\/prisma"/, 'output$1= "../../lib/generated/prisma-pg"');
  if (out === source || !out.includes('provider = "postgresql"') || !out.includes("prisma-pg"))
    throw new Error(`${SOURCE}: datasource or generator output not found`);
  out = `// GENERATED from prisma/schema.prisma by scripts/pg-schema.mjs: edit that file, then run \`node scripts/pg-schema.mjs\`.\n${out}`;
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const want = postgresSchema(readFileSync(SOURCE, "utf8"));
  if (process.argv.includes("--check")) {
    let have = "";
    try {
      have = readFileSync(TARGET, "utf8");
    } catch {
      /* missing */
    }
    if (have !== want) {
      console.error(
        `${TARGET} is out of step with ${SOURCE}: run \`node scripts/pg-schema.mjs\` and make a migration for both (node scripts/new-migration.mjs <name>).`,
      );
      process.exit(1);
    }
    console.log(`${TARGET} is in step with ${SOURCE}.`);
  } else {
    writeFileSync(TARGET, want);
    console.log(`Wrote ${TARGET}.`);
  }
}

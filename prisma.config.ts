import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { defineConfig } from "prisma/config";
import { sqliteAdapter } from "./lib/db/sqlite";

// Prisma does not read .env when a config file exists; scripts/prisma.mjs loads it before calling the CLI.
// One model (prisma/schema.prisma); PostgreSQL's schema is generated from it (scripts/pg-schema.mjs)
// and has its own migrations. DATABASE_URL picks which one the CLI works on.
const url = process.env.DATABASE_URL ?? "file:./prisma/dev.db";
const postgres = /^postgres(ql)?:\/\//.test(url);
const dir = postgres ? path.join("prisma", "postgresql") : "prisma";

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(dir, "schema.prisma"),
  migrations: { path: path.join(dir, "migrations"), seed: "tsx prisma/seed.ts" },
  async adapter() {
    return postgres ? new PrismaPg({ connectionString: url }) : sqliteAdapter(url);
  },
});

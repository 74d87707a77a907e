import path from "node:path";
import { defineConfig } from "prisma/config";
import { sqliteAdapter } from "./lib/db/sqlite";

// Prisma does not read .env when a config file exists; scripts/prisma.mjs loads it before calling the CLI.
export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations"), seed: "tsx prisma/seed.ts" },
  async adapter() {
    return sqliteAdapter(process.env.DATABASE_URL ?? "file:./prisma/dev.db");
  },
});

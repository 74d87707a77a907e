import { PrismaLibSQL } from "@prisma/adapter-libsql";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { env } from "@/lib/env";

const globalForDb = globalThis as unknown as { prisma?: PrismaClient };

/** One Prisma client per process (dev reloads reuse it), on the libSQL driver adapter. */
export function db(): PrismaClient {
  globalForDb.prisma ??= new PrismaClient({ adapter: new PrismaLibSQL({ url: env().databaseUrl }) });
  return globalForDb.prisma;
}

export type { PrismaClient };

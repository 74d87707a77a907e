/** Types for scripts/cluster.mjs (used by e2e/instances.spec.ts and bench/instances.mjs). */
type Proc = { name: string; pid: number; logFile: string; alive: () => boolean; kill: () => void; stop: () => Promise<void> };
export function findNginx(): string | undefined;
export function startCluster(options?: {
  instances?: number;
  port?: number;
  balance?: "failover" | "round-robin";
  databaseUrl?: string;
  env?: Record<string, string>;
  dir?: string;
}): Promise<{
  dir: string;
  url: string;
  databaseUrl: string;
  sandboxUrl: string;
  stores: Array<Proc & { port: number; url: string }>;
  sandbox: Proc;
  nginx: Proc;
  log: (name: string) => string;
  stop: () => Promise<void>;
}>;
export const UPSTREAM_IDLE_S: number;
export function nginxConf(options: { dir: string; port: number; instances: number[]; balance: "failover" | "round-robin" }): string;

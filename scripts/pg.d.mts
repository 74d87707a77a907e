/** Types for scripts/pg.mjs (imported by tests and benchmarks). */
export function findPgBin(): string | undefined;
export function unavailableReason(): string | undefined;
export function startCluster(dir?: string, options?: { port?: number }): Promise<{ dir: string; port: number; url: string; stop: () => void }>;
export function stopCluster(dir: string): void;
export function createDatabase(url: string, name: string): string;
export function freePort(): Promise<number>;

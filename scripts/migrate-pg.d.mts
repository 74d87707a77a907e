/** Types for scripts/migrate-pg.mjs (imported by the test helpers). */
export function migratePostgres(url: string, options?: { dir?: string; log?: (line: string) => void }): Promise<string[]>;

export function migrateSqlite(url: string, options?: { dir?: string; log?: (line: string) => void; warn?: (line: string) => void }): string[];
export function migrationsIn(dir: string): Array<{ name: string; sql: string; checksum: string }>;
export function sqliteFile(url: string): string;

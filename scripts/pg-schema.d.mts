/** Types for scripts/pg-schema.mjs. */
export function postgresSchema(source: string): string;

/** Prisma's DMMF data model, with the datasource's provider. */
export type Model = { provider: string; models: unknown[]; indexes: unknown[]; enums: unknown[]; types: unknown[] };
export function readModel(schemaText: string): Model;
export function createScript(model: Model, provider?: string): string;
export function changeScript(from: Model, to: Model, provider?: string): string;
export function tablesOf(
  model: Model,
  provider?: string,
): Record<string, { columns: Record<string, string>; pk: string[]; indexes: Record<string, string>; foreignKeys: Record<string, string> }>;

/** Types for the parts of bench/harness.mjs that TypeScript benchmarks use. */
export type Machine = { cpus: number; model: string; memGiB: number; loadavg: number[]; node: string; platform: string; commit: string };
export function machine(): Machine;
export function machineLine(m: Machine): string;
export function saveResults(name: string, data: unknown): string;

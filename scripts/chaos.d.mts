/** Types for scripts/chaos.mjs (used by e2e/chaos.spec.ts). */
export function runChaos(options?: {
  seed?: number;
  minutes?: number;
  shoppers?: number;
  quietBoundS?: number;
  portBase?: number;
  preAuth?: "on" | "off" | "seed";
  autoRefund?: "on" | "off" | "seed";
  keep?: boolean;
  print?: (line: string) => void;
}): Promise<{
  seed: number;
  ok: boolean;
  violations: number;
  found: Record<string, Array<{ orderId?: string; what: string }>>;
  counts: Record<string, number>;
  convergedMs: number | null;
  orders: number;
  windows: number;
  budget: { tokens: number; tokenBound: number; calls: Record<string, number> };
  report: string;
}>;

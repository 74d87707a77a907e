/** Types for scripts/standalone.mjs (used by e2e/deploy/standalone.spec.ts). */
export const STANDALONE: string;
export function completeStandalone(options?: { dir?: string }): Promise<string>;

/** Types for bench/figures.mjs, for the TypeScript benchmarks. */
import type { Machine } from "./harness.mjs";

export const BENCHMARKS_PAGE: string;
export function printed(text?: string): string;
export function replaceSection(page: string, name: string, body: string): string;
export function writeFigures(name: string, machine?: Machine, opts?: { now?: Date; page?: string }): string | undefined;

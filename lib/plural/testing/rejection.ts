import { expect } from "vitest";
import { PluralError } from "../errors";

/** Awaits a promise that must reject with a PluralError, and returns the error. */
export async function rejection(p: Promise<unknown>): Promise<PluralError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PluralError);
    return e as PluralError;
  }
  throw new Error("expected a PluralError");
}

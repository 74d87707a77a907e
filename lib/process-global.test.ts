import { afterEach, describe, expect, it, vi } from "vitest";
import { forgetProcessGlobal, peekProcessGlobal, processGlobal } from "./process-global";

const NAME = "processGlobalTestSlot";
afterEach(() => forgetProcessGlobal(NAME));

describe("processGlobal", () => {
  it("makes the value once and answers the same one to every later caller", () => {
    let made = 0;
    const first = processGlobal(NAME, () => ({ n: ++made }));
    const second = processGlobal(NAME, () => ({ n: ++made }));
    expect(second).toBe(first);
    expect(made).toBe(1);
  });

  it("is one per process, whatever copy of the module asks (as a second Next bundle would)", async () => {
    const a = processGlobal(NAME, () => new Map<string, number>());
    vi.resetModules();
    const copy = await import("./process-global");
    expect(copy.processGlobal).not.toBe(processGlobal);
    expect(copy.processGlobal(NAME, () => new Map<string, number>())).toBe(a);
  });

  it("peek answers what is there without making it", () => {
    expect(peekProcessGlobal(NAME)).toBeUndefined();
    expect(peekProcessGlobal(NAME)).toBeUndefined();
    const made = processGlobal(NAME, () => "value");
    expect(peekProcessGlobal<string>(NAME)).toBe(made);
  });

  it("forget answers the old value, and the next ask makes a new one", () => {
    const old = processGlobal(NAME, () => ({ generation: 1 }));
    expect(forgetProcessGlobal(NAME)).toBe(old);
    expect(peekProcessGlobal(NAME)).toBeUndefined();
    expect(processGlobal(NAME, () => ({ generation: 2 }))).toEqual({ generation: 2 });
    expect(forgetProcessGlobal("neverMadeSlot")).toBeUndefined();
  });
});

import type { FaultRule } from "../types";
import type { Core } from "./core";
import { rand } from "./util";

/** Fault injection: rules that make API calls fail, slow down or hang. */
export class Faults {
  constructor(private readonly core: Core) {}

  list(): FaultRule[] {
    return this.core.records.faults.map((f) => ({ ...f }));
  }

  add(rule: Omit<FaultRule, "id" | "hits">): FaultRule {
    const added = { ...rule, id: `flt_${rand(10)}`, hits: 0 };
    this.core.records.faults.push(added);
    this.core.records.touchFaults();
    return { ...added };
  }

  clear() {
    this.core.records.faults = [];
    this.core.records.touchFaults();
  }

  /** The rules that hit this call of operation `op` (counted and used up here). */
  take(op: string): FaultRule[] {
    const hit: FaultRule[] = [];
    for (const rule of this.core.records.faults) {
      if (rule.endpoint !== "*" && rule.endpoint !== op) continue;
      if (rule.remaining !== undefined && rule.remaining <= 0) continue;
      if (rule.share !== undefined && Math.random() >= rule.share) continue;
      rule.hits += 1;
      if (rule.remaining !== undefined) rule.remaining -= 1;
      hit.push({ ...rule });
    }
    if (hit.length) this.core.records.touchFaults();
    return hit;
  }
}

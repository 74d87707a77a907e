import { Journal, type LoadResult } from "./journal";
import type { Records } from "./records";

/**
 * A sandbox's records as its state file left them (tokens, faults, orders, deliveries,
 * settlements), and the journal that keeps writing them there: undefined without a state file.
 */
export function restore(records: Records, stateFile: string | null | undefined, file: LoadResult | undefined): Journal | undefined {
  const loaded = file?.loaded;
  let journal: Journal | undefined;
  if (loaded) {
    for (const [t, exp] of Object.entries(loaded.tokens)) records.tokens.set(t, exp);
    records.faults = loaded.faults;
    for (const o of loaded.orders) records.addOrder(o);
    records.loadDeliveries(loaded.deliveries);
    for (const st of loaded.settlements ?? []) records.settlements.set(st.utr, st);
  }
  if (stateFile) {
    const settingsChanged = !!loaded && JSON.stringify(loaded.settings) !== JSON.stringify(records.settings);
    records.dirty = {
      reset: false,
      settings: settingsChanged,
      tokens: false,
      faults: false,
      orders: new Set(),
      deliveries: new Set(),
      settlements: new Set(),
    };
    journal = new Journal(stateFile, records, {
      rev: loaded?.rev ?? 0,
      bytes: file?.bytes ?? 0,
      compact: file?.compact ?? false,
      convert: file?.convert,
      exists: !!loaded,
    });
    if (settingsChanged) records.touchSettings();
  }
  return journal;
}

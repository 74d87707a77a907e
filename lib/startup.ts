import { ConfigError, env } from "@/lib/env";

/** Node-only start-up: stop the server at once on a bad configuration, listing every problem. */
export function startup(): void {
  try {
    const e = env();
    console.log(`Plural environment: ${e.pluralEnv} (${e.baseUrl})`);
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

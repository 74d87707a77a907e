/** Runs once when the server starts (Node.js runtime only). */
export async function register() {
  // Next's own variable, replaced at build time in each runtime's bundle (so the Node-only imports
  // below never reach the Edge bundle): not configuration, so not lib/env.ts.
  // eslint-disable-next-line no-restricted-properties
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that every request after start-up carries its real peer address (lib/security/front-door.ts).
    const { installFrontDoor } = await import("./lib/security/front-door");
    installFrontDoor();
    // Rolling restarts: SIGTERM drains, ends streams, closes the pool and exits within a bound (lib/server/shutdown.ts).
    const { installShutdown, closeOnShutdown } = await import("./lib/server/shutdown");
    installShutdown();
    closeOnShutdown(async () => (await import("./lib/orders/live/order-changes")).stopListening());
    closeOnShutdown(async () => (await import("./lib/db")).closeDb());
    // OpenTelemetry only when something exports (OTEL_EXPORTER_OTLP_*): registered, the SDK makes Next
    // open a context for each of the dozens of spans it starts per request, recorded or not. The
    // request id does not need it: the front door gives every request one.
    // A bad configuration stops the server here, every problem listed (lib/env.ts).
    const { configurationOrExit, startup } = await import("./lib/startup");
    const { otel } = configurationOrExit();
    const { otelExports } = await import("./lib/telemetry/otel");
    if (otelExports(otel)) {
      const [{ registerOTel }, { otelConfiguration }] = await Promise.all([import("@vercel/otel"), import("./lib/telemetry/otel")]);
      registerOTel(otelConfiguration(otel));
    }
    startup();
  }
}

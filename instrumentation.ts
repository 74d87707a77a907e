/** Runs once when the server starts (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that every request after start-up carries its real peer address (lib/security/front-door.ts).
    const { installFrontDoor } = await import("./lib/security/front-door");
    installFrontDoor();
    // OpenTelemetry first, so Next traces (and gives a request id to) every request from the start.
    const [{ registerOTel }, { otelConfiguration }] = await Promise.all([import("@vercel/otel"), import("./lib/telemetry/otel")]);
    registerOTel(otelConfiguration());
    const { startup } = await import("./lib/startup");
    startup();
  }
}

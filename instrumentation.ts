/** Runs once when the server starts (Node.js runtime only). */
export async function register() {
  if (process.env.NEXT_RUNTIME === "nodejs") {
    // First, so that every request after start-up carries its real peer address (lib/security/front-door.ts).
    const { installFrontDoor } = await import("./lib/security/front-door");
    installFrontDoor();
    const { startup } = await import("./lib/startup");
    startup();
  }
}

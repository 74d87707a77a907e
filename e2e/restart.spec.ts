import { spawn, type ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { expect, test } from "./fixtures";
import { openDb } from "./support/db";

/**
 * The store (and its sandbox) is killed with SIGKILL while a payment is pending; Plural records the
 * payment; webhooks are lost. After a restart, reconciliation must bring the order to Plural's status.
 * Uses its own server process on its own port and database.
 */
const PORT = Number(process.env.E2E_PORT ?? 3100) + 2;
const URL = `http://127.0.0.1:${PORT}`;
const DB = "prisma/e2e-restart.db";
const STATE = ".sandbox/e2e-restart-state.json";
const env = {
  ...process.env,
  E2E_PORT: String(PORT),
  APP_URL: URL,
  PLURAL_ENV: "sandbox",
  LOG_LEVEL: "warn",
  DATABASE_URL: `file:./${DB}`,
  SANDBOX_STATE_FILE: STATE,
  RECONCILE_INTERVAL_MS: "1000",
};

function start(fresh: boolean): ChildProcess {
  const cmd = fresh ? ["scripts/e2e-server.mjs"] : ["node_modules/next/dist/bin/next", "start", "-H", "127.0.0.1", "-p", String(PORT)];
  return spawn(process.execPath, cmd, { env, detached: true, stdio: "ignore" });
}
async function up() {
  await expect
    .poll(
      async () => {
        try {
          return (await fetch(`${URL}/api/health`)).status;
        } catch {
          return 0;
        }
      },
      { timeout: 60_000 },
    )
    .toBe(200);
}
const kill = (p: ChildProcess) => {
  try {
    process.kill(-p.pid!, "SIGKILL");
  } catch {
    /* already gone */
  }
};

test.use({ baseURL: URL });

test("killed mid-checkout, restarted: the order ends in Plural's status", async ({ page, sandbox, store, pay }) => {
  test.setTimeout(120_000);
  let server = start(true);
  try {
    await up();
    await test.step("check out and get to the pay page", async () => {
      await store.addToCart("Masala Chai Tin");
      await store.checkout();
      await pay.waitForQr();
    });
    const orderId = pay.orderId;
    await test.step("webhooks are lost; Plural records the payment; the server is killed", async () => {
      await sandbox.settings({ webhook: { drop: 1 } });
      await page.close();
      const pending = (await sandbox.payments()).find((p) => p.status === "PENDING")!;
      await sandbox.approve(pending.id);
      // Plural's own state is durable before the crash.
      await sandbox.persist();
      kill(server);
    });
    const db = openDb(DB);
    const status = async () => db.get<{ status: string }>(`SELECT status FROM "Order" WHERE id = ?`, orderId)?.status;
    expect(await status()).toBe("PENDING");
    await test.step("restart: reconciliation asks Plural and the order becomes PROCESSED", async () => {
      server = start(false);
      await up();
      await expect.poll(status, { timeout: 30_000, intervals: [500] }).toBe("PROCESSED");
      const events = db.all<{ source: string; type: string }>(`SELECT source, type FROM "OrderEvent" WHERE orderId = ? ORDER BY createdAt`, orderId);
      expect(events.some((r) => r.source === "sync" && r.type === "RECONCILE")).toBe(true);
    });
    db.close();
  } finally {
    kill(server);
    rmSync(STATE, { force: true });
  }
});

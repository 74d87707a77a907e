import type { Metadata } from "next";
import { clearFaults, expireTokens, redeliverWebhook, resetSandbox, saveSettings } from "@/app/sandbox/actions";
import { DashboardHeader } from "@/components/sandbox/DashboardHeader";
import { OrdersTable } from "@/components/sandbox/OrdersTable";
import { Panel } from "@/components/sandbox/Panel";
import { SettingsForm } from "@/components/sandbox/SettingsForm";
import { TestData } from "@/components/sandbox/TestData";
import { WebhookHealthBanner } from "@/components/sandbox/WebhookHealthBanner";
import { WebhooksTable } from "@/components/sandbox/WebhooksTable";
import { sandbox, testData } from "@/lib/sandbox";
import { requireSandbox } from "./guard";

export const metadata: Metadata = { title: "Plural sandbox" };

/** What the simulated Plural holds: orders, payments, webhook deliveries, and its knobs. */
export default async function SandboxDashboard() {
  await requireSandbox();
  const sb = sandbox();
  sb.advance(); // the page shows the sandbox as of now: what fell due is applied (and its webhooks sent)
  const view = sb.dashboard();
  const s = view.settings;
  return (
    <div className="space-y-10">
      <DashboardHeader faults={view.faults} actions={{ expireTokens, clearFaults, reset: resetSandbox }} />
      <WebhookHealthBanner health={view.webhooks.health} />
      <OrdersTable orders={view.orders.recent_charges} total={view.orders.total} />
      <WebhooksTable
        webhooks={view.webhooks.recent}
        url={s.webhook.url}
        retries={s.webhook.retries}
        schedule={s.webhook.schedule}
        redeliver={redeliverWebhook}
      />
      <SettingsForm settings={s} profile={view.profile} overridden={view.settings_overridden} save={saveSettings} />
      <Panel id="test-h" title="Test data" card>
        <TestData data={testData()} />
      </Panel>
    </div>
  );
}

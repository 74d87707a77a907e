import { StatusBadge } from "@/components/StatusBadge";
import type { WebhookView } from "@/lib/sandbox";
import { Cell, Panel } from "./Panel";

const COLUMNS = [{ label: "Event" }, { label: "Order" }, { label: "webhook-id" }, { label: "State" }, { label: "Answers" }, { label: "Actions", hidden: true }];

const answer = (a: WebhookView["attempts"][number]) => (a.status === null ? (a.error ?? "no answer") : String(a.status));

/** Recent webhook deliveries: each one's state and every attempt's answer, with a button to send it again. */
export function WebhooksTable({
  webhooks,
  url,
  retries,
  schedule,
  redeliver,
}: {
  webhooks: WebhookView[];
  url: string;
  retries: number;
  /** backoff (retries with doubling delays) or Plural's documented schedule. */
  schedule: string;
  redeliver: (form: FormData) => Promise<void>;
}) {
  return (
    <Panel
      id="hooks-h"
      title="Webhook deliveries"
      description={
        <>
          To <code className="font-mono">{url}</code>, signed with Standard Webhooks headers;{" "}
          {schedule === "documented" ? "retried on Plural's documented schedule (8 retries over 27.5 hours)." : `retried up to ${retries} times.`}
        </>
      }
      columns={COLUMNS}
      empty={webhooks.length === 0 ? "None yet." : undefined}
    >
      {webhooks.map((d, i) => {
        const last = d.attempts.at(-1);
        return (
          <tr key={`${d.id}-${i}`} className="align-top">
            <Cell className="font-medium">{d.event_type}</Cell>
            <Cell className="font-mono text-xs">{d.order_id}</Cell>
            <Cell className="font-mono text-xs">{d.id}</Cell>
            <Cell>
              <StatusBadge status={d.state} />
            </Cell>
            <Cell className="text-xs">
              {d.attempts.map(answer).join(", ") || "–"}
              {last && last.status === null && last.url && d.state !== "delivered" && <div className="text-red-700 break-all">to {last.url}</div>}
            </Cell>
            <Cell>
              <form action={redeliver}>
                <input type="hidden" name="id" value={d.id} />
                <button className="text-xs text-brand-700 underline">redeliver</button>
              </form>
            </Cell>
          </tr>
        );
      })}
    </Panel>
  );
}

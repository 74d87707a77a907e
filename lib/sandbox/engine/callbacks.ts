import { signCallback } from "../../plural/signature";
import { ERROR_MESSAGES } from "../catalog";
import type { SimOrder } from "../types";
import type { Core } from "./core";

export type Callback = { url: string; fields: Record<string, string> };

/** The signed fields Plural posts to the return URL after a landing page (Pine Labs' "Verify Payment Signature", hosted checkout integration steps). */
export function callbackFor(core: Core, order: SimOrder): Callback | undefined {
  const success = order.status === "PROCESSED" || order.status === "AUTHORIZED";
  const url = success ? order.callback_url : (order.failure_callback_url ?? order.callback_url);
  if (!url) return undefined;
  const fields: Record<string, string> = { order_id: order.order_id, status: order.status };
  if (!success) {
    const failed = [...order.payments].reverse().find((p) => p.error_detail);
    fields.error_code = failed?.error_detail?.code ?? "PAYMENT_DECLINED";
    fields.error_message = failed?.error_detail?.message ?? ERROR_MESSAGES.PAYMENT_DECLINED!;
  }
  fields.signature = signCallback(fields, core.config.secretKey);
  return { url, fields };
}

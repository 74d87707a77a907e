import { createHmac, timingSafeEqual } from "node:crypto";
import type { SimPayment } from "../types";
import type { Core } from "./core";

const LIFETIME_S = 1200;

/** QR images behind URLs signed like Plural's pre-signed S3 URLs: valid for 1200 s from the payment's creation. */
export class QrImages {
  constructor(private readonly core: Core) {}

  private signature(paymentId: string, expiresAtSeconds: number) {
    return createHmac("sha256", this.core.config.clientSecret).update(`${paymentId}:${expiresAtSeconds}`).digest("hex").slice(0, 32);
  }

  url(p: SimPayment): string {
    const amzDate = new Date(p.created_at)
      .toISOString()
      .replace(/[-:]/g, "")
      .replace(/\.\d{3}/, "");
    const exp = Math.floor(p.created_at / 1000) + LIFETIME_S;
    return `${this.core.config.publicUrl}/qr/${encodeURIComponent(p.id)}.png?X-Amz-Date=${amzDate}&X-Amz-Expires=${LIFETIME_S}&X-Amz-Signature=${this.signature(p.id, exp)}`;
  }

  /** The UPI link behind a QR image URL, or why it cannot be served. */
  link(paymentId: string, params: URLSearchParams): { ok: true; link: string } | { ok: false; status: number; reason: string } {
    const found = this.core.records.payment(paymentId);
    if (!found) return { ok: false, status: 404, reason: "NoSuchKey" };
    const exp = Math.floor(found.payment.created_at / 1000) + LIFETIME_S;
    const given = Buffer.from(params.get("X-Amz-Signature") ?? "");
    const expected = Buffer.from(this.signature(paymentId, exp));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, status: 403, reason: "SignatureDoesNotMatch" };
    if (this.core.now() / 1000 > exp) return { ok: false, status: 403, reason: "Request has expired" };
    return { ok: true, link: found.payment.link };
  }
}

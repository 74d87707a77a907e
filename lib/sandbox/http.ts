import QRCode from "qrcode";
import { handleApi } from "./api";
import { handleControl } from "./control";
import type { Sandbox } from "./engine";

const notFound = () => Response.json({ code: "NOT_FOUND", message: "Not Found" }, { status: 404 });

/** Routes one `/sandbox/...` request to the API, the control API or the QR images. */
export async function routeSandbox(sb: Sandbox, request: Request): Promise<Response> {
  const { pathname, searchParams } = new URL(request.url);
  const m = /^\/sandbox\/(api|control|qr)\/(.*)$/.exec(pathname);
  if (!m) return notFound();
  const [, area, rest] = m;
  if (area === "api") return handleApi(sb, request, rest!);
  if (area === "control") return handleControl(sb, request, rest!);
  if (request.method !== "GET") return notFound();
  return qrImage(sb, decodeURIComponent(rest!.replace(/\.png$/, "")), searchParams);
}

async function qrImage(sb: Sandbox, paymentId: string, params: URLSearchParams): Promise<Response> {
  const r = sb.qrLink(paymentId, params);
  if (!r.ok) {
    return new Response(
      `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${r.status === 404 ? "NoSuchKey" : "AccessDenied"}</Code><Message>${r.reason}</Message></Error>`,
      {
        status: r.status,
        headers: { "content-type": "application/xml" },
      },
    );
  }
  const png = await QRCode.toBuffer(r.link, { type: "png", errorCorrectionLevel: "M", margin: 2, width: 320 });
  return new Response(new Uint8Array(png), { headers: { "content-type": "image/png", "cache-control": "private, max-age=60" } });
}

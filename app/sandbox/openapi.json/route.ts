import { env } from "@/lib/env";
import { sandboxAvailableTo } from "@/lib/sandbox";
import { openApiDocument } from "@/lib/sandbox/openapi";

export const dynamic = "force-dynamic";

/** The sandbox's OpenAPI 3.1 document (lib/sandbox/openapi.ts); a 404 unless this process serves the sandbox. */
export function GET(request: Request) {
  if (!sandboxAvailableTo(request.headers)) return Response.json({ code: "NOT_FOUND", message: "Not Found" }, { status: 404 });
  return Response.json(openApiDocument(`${env().appUrl}/sandbox`), { headers: { "cache-control": "no-store" } });
}

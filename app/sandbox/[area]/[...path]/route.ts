import { handleSandboxHttp } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

/**
 * Every /sandbox/{api,control,qr}/... request: the simulated Plural API (UAT's exact paths), its
 * control API and its QR images. lib/sandbox routes them; anything else there is a 404.
 */
export const GET = handleSandboxHttp;
export const POST = handleSandboxHttp;
export const PUT = handleSandboxHttp;
export const PATCH = handleSandboxHttp;
export const DELETE = handleSandboxHttp;

import { handleSandboxHttp } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

export const GET = handleSandboxHttp;
export const POST = handleSandboxHttp;
export const PUT = handleSandboxHttp;
export const PATCH = handleSandboxHttp;
export const DELETE = handleSandboxHttp;

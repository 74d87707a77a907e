import { handleSandboxHttp } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

/** The QR image behind a payment's `image_url` (a pre-signed, expiring URL, like Plural's S3 link). */
export const GET = handleSandboxHttp;

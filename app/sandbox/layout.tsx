import { notFound } from "next/navigation";
import { sandboxEnabled } from "@/lib/sandbox";

export const dynamic = "force-dynamic";

/** Every sandbox page exists only when PLURAL_ENV=sandbox. */
export default function SandboxLayout({ children }: { children: React.ReactNode }) {
  if (!sandboxEnabled()) notFound();
  return <div className="sandbox">{children}</div>;
}

import { notFound } from "next/navigation";
import { adminPassword } from "@/lib/admin-auth";

export const dynamic = "force-dynamic";

/** Without ADMIN_PASSWORD the console does not exist outside sandbox mode. */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  if (!adminPassword()) notFound();
  return <div className="admin">{children}</div>;
}

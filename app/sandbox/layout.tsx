import { requireSandbox } from "./guard";

export const dynamic = "force-dynamic";

/** Every sandbox page exists only when PLURAL_ENV=sandbox (each page checks it too: ./guard.ts). */
export default async function SandboxLayout({ children }: { children: React.ReactNode }) {
  await requireSandbox();
  return <div className="sandbox">{children}</div>;
}

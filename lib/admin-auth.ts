import "server-only";
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { env } from "@/lib/env";

/** The merchant console's sign-in: one password, a signed httpOnly SameSite=Strict cookie. */
const COOKIE = "admin_session";
const SESSION_MS = 8 * 60 * 60 * 1000;
const SANDBOX_ADMIN_PASSWORD = "sandbox";

/** The console's password; without one it is disabled, except in sandbox mode (where it is "sandbox"). */
export function adminPassword(): string | undefined {
  const e = env();
  return e.adminPassword ?? (e.pluralEnv === "sandbox" ? SANDBOX_ADMIN_PASSWORD : undefined);
}

const sha = (s: string) => createHash("sha256").update(s).digest();
const sessionKey = (password: string) => sha(`admin-session:${password}:${env().clientSecret}`);
const sign = (exp: number, password: string) => createHmac("sha256", sessionKey(password)).update(String(exp)).digest("base64url");

export function passwordMatches(input: string): boolean {
  const password = adminPassword();
  if (!password) return false;
  return timingSafeEqual(sha(input), sha(password));
}

export async function startSession() {
  const password = adminPassword()!;
  const exp = Date.now() + SESSION_MS;
  (await cookies()).set(COOKIE, `${exp}.${sign(exp, password)}`, {
    httpOnly: true,
    sameSite: "strict",
    secure: env().appUrl.startsWith("https://"),
    path: "/admin",
    maxAge: SESSION_MS / 1000,
  });
}

export async function endSession() {
  (await cookies()).delete({ name: COOKIE, path: "/admin" });
}

export async function isAdmin(): Promise<boolean> {
  const password = adminPassword();
  const value = (await cookies()).get(COOKIE)?.value;
  if (!password || !value) return false;
  const [expText, sig] = value.split(".");
  const exp = Number(expText);
  if (!Number.isFinite(exp) || exp < Date.now() || !sig) return false;
  const expected = Buffer.from(sign(exp, password));
  const got = Buffer.from(sig);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** For every console page and action. */
export async function requireAdmin(): Promise<void> {
  if (!(await isAdmin())) redirect("/admin/login");
}

import "server-only";
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { db } from "@/lib/db";
import { env } from "@/lib/env";

/**
 * The merchant console's sign-in: one password, and sessions kept on the server (AdminSession).
 *
 * The cookie holds a random 256-bit token; the database holds its SHA-256 and the session's expiry,
 * so a session ends for every copy of the cookie the moment its row goes: at sign-out ("everywhere"
 * ends them all), at expiry, and when ADMIN_PASSWORD changes (each row carries a tag of the password
 * it was opened with). The cookie is httpOnly and SameSite=Strict; on https it is `__Host-` (Secure,
 * Path=/, no Domain: no other host or path can set or shadow it).
 */
const SESSION_MS = 8 * 60 * 60 * 1000;
const SANDBOX_ADMIN_PASSWORD = "sandbox";
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/** The console's password; without one it is disabled, except in sandbox mode (where it is "sandbox"). */
export function adminPassword(): string | undefined {
  const e = env();
  return e.adminPassword ?? (e.pluralEnv === "sandbox" ? SANDBOX_ADMIN_PASSWORD : undefined);
}

const sha = (s: string) => createHash("sha256").update(s).digest();
const sessionId = (token: string) => createHash("sha256").update(`admin-session:${token}`).digest("hex");
/** Which password a session was opened with, without storing anything that reveals it. */
const passwordTag = (password: string) =>
  createHmac("sha256", sha(`admin-password-tag:${env().clientSecret}`))
    .update(password)
    .digest("hex");

const https = () => env().appUrl.startsWith("https://");
/** `__Host-` needs Secure and Path=/; over plain http (development) the cookie keeps to /admin. */
const cookieName = () => (https() ? "__Host-admin_session" : "admin_session");
const cookiePath = () => (https() ? "/" : "/admin");

export function passwordMatches(input: string): boolean {
  const password = adminPassword();
  if (!password) return false;
  return timingSafeEqual(sha(input), sha(password));
}

export async function startSession(now = Date.now()) {
  const token = randomBytes(32).toString("base64url");
  await db().adminSession.create({ data: { id: sessionId(token), passwordTag: passwordTag(adminPassword()!), expiresAt: new Date(now + SESSION_MS) } });
  (await cookies()).set(cookieName(), token, { httpOnly: true, sameSite: "strict", secure: https(), path: cookiePath(), maxAge: SESSION_MS / 1000 });
}

async function currentToken(): Promise<string | undefined> {
  const value = (await cookies()).get(cookieName())?.value;
  return value && TOKEN.test(value) ? value : undefined;
}

/** Ends this browser's session (on the server: a copy of the cookie elsewhere stops working too), or every session. */
export async function endSession({ everywhere = false } = {}) {
  const token = await currentToken();
  if (everywhere && (await isAdmin())) await db().adminSession.deleteMany({});
  else if (token) await db().adminSession.deleteMany({ where: { id: sessionId(token) } });
  (await cookies()).delete({ name: cookieName(), path: cookiePath() });
}

export async function isAdmin(now = Date.now()): Promise<boolean> {
  const password = adminPassword();
  const token = await currentToken();
  if (!password || !token) return false;
  const session = await db().adminSession.findUnique({ where: { id: sessionId(token) }, select: { passwordTag: true, expiresAt: true } });
  if (!session || session.expiresAt.getTime() <= now) return false;
  const expected = Buffer.from(passwordTag(password));
  const got = Buffer.from(session.passwordTag);
  return expected.length === got.length && timingSafeEqual(expected, got);
}

/** Deletes sessions that have expired or belong to an earlier password (housekeeping). */
export async function sweepAdminSessions(now = Date.now()): Promise<number> {
  const password = adminPassword();
  const stale = await db().adminSession.deleteMany({
    where: { OR: [{ expiresAt: { lte: new Date(now) } }, ...(password ? [{ passwordTag: { not: passwordTag(password) } }] : [])] },
  });
  return stale.count;
}

/** For every console page and action. */
export async function requireAdmin(): Promise<void> {
  if (!(await isAdmin())) redirect("/admin/login");
}

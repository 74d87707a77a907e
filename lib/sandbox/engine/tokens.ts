import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { Core } from "./core";
import { SandboxError } from "./errors";
import { rand } from "./util";

const digest = (v: string) => createHash("sha256").update(v).digest();
const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");

/** Bearer tokens: issued for the configured client credentials, valid until their TTL. */
export class Tokens {
  constructor(private readonly core: Core) {}

  issue(clientId: string, clientSecret: string) {
    const { config, records } = this.core;
    const okSecret = timingSafeEqual(digest(clientSecret), digest(config.clientSecret));
    if (clientId !== config.clientId || !okSecret) throw new SandboxError(401, "UNAUTHORIZED", "Unauthorized");
    const ttl = records.settings.token_ttl_seconds;
    const iat = this.core.now();
    const exp = iat + ttl * 1000;
    const claims = { sub: clientId, merchant_id: config.merchantId, iat: Math.floor(iat / 1000), exp: Math.floor(exp / 1000), jti: rand(16) };
    const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(claims)}`;
    const token = `${head}.${createHmac("sha256", config.clientSecret).update(head).digest("base64url")}`;
    records.tokens.set(token, exp);
    // Forget long-expired tokens so the state does not grow without bound.
    for (const [t, e] of records.tokens) if (e < iat - 3_600_000) records.tokens.delete(t);
    records.touchTokens();
    return { access_token: token, token_type: "Bearer", expires_in: ttl, expires_at: new Date(exp).toISOString() };
  }

  isValid(token: string | undefined): boolean {
    if (!token) return false;
    const exp = this.core.records.tokens.get(token);
    return exp !== undefined && exp > this.core.now();
  }

  expireAll() {
    const { records } = this.core;
    for (const t of records.tokens.keys()) records.tokens.set(t, 0);
    records.touchTokens();
  }

  get count() {
    return this.core.records.tokens.size;
  }
}

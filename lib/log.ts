/**
 * Structured one-line logs. Field values under secret-looking keys are replaced, so a careless call
 * cannot leak a token, a signature, a VPA or a password.
 */
const SECRET_KEY = /secret|token|signature|password|authorization|vpa|cookie/i;

function clean(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = SECRET_KEY.test(k) ? "[redacted]" : v;
  return out;
}

function write(level: "info" | "warn" | "error", msg: string, fields?: Record<string, unknown>) {
  if (process.env.LOG_LEVEL === "silent") return;
  if (level === "info" && process.env.LOG_LEVEL === "warn") return;
  const line = JSON.stringify({ t: new Date().toISOString(), level, msg, ...clean(fields) });
  if (level === "info") console.log(line);
  else console.error(line);
}

export const log = {
  info: (msg: string, fields?: Record<string, unknown>) => write("info", msg, fields),
  warn: (msg: string, fields?: Record<string, unknown>) => write("warn", msg, fields),
  error: (msg: string, fields?: Record<string, unknown>) => write("error", msg, fields),
};

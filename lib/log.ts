import { createRequire } from "node:module";
import path from "node:path";
import pino, { type DestinationStream, type Logger as Pino } from "pino";
import { redactDeep, redactText } from "./redact";
import { currentRequestId } from "./request-context";
import { logSettings } from "./env";
import { processGlobal } from "./process-global";

/**
 * Structured logs through pino: one JSON object per line in production, readable lines in
 * development (pino-pretty, a dev dependency, when it is installed; `LOG_FORMAT=json|pretty`
 * decides explicitly). Every line carries the current request's id (lib/request-context.ts), and
 * everything passed in is scrubbed at any depth (lib/redact.ts): secrets, tokens, signatures, UPI
 * IDs, phone numbers and e-mails never reach the output.
 *
 *   log.info("checkout.placed", { orderId, amountInPaise })
 *   → {"level":"info","time":"…","msg":"checkout.placed","requestId":"…","orderId":"…","amountInPaise":34900}
 *
 * `LOG_LEVEL`: debug, info (default), warn, error or silent; read at every call, so a test or a
 * script may change it. Info and below go to stdout, warnings and errors to stderr.
 */

export type Fields = Record<string, unknown>;
type Level = "debug" | "info" | "warn" | "error";
const RANK: Record<string, number> = { debug: 20, info: 30, warn: 40, error: 50, silent: Infinity };

export type LoggerOptions = {
  format?: "json" | "pretty";
  /** Where lines go (tests); default stdout for info and below, stderr for warnings and errors. */
  destination?: DestinationStream;
};

function prettyStream(fd: 1 | 2): DestinationStream | undefined {
  try {
    // Resolved at run time (a dev dependency, kept out of the bundle by Next's serverExternalPackages).
    const pretty = createRequire(path.join(process.cwd(), "package.json"))("pino-pretty") as (o: object) => DestinationStream;
    return pretty({ destination: fd, sync: true, colorize: process.stdout.isTTY, translateTime: "SYS:HH:MM:ss.l", ignore: "pid,hostname" });
  } catch {
    return undefined;
  }
}

/** A pino logger writing our format (a string `level`, an ISO `time`, `msg`), with the request id mixed in. */
export function createPino(opts: LoggerOptions = {}): Pino {
  const options: pino.LoggerOptions = {
    level: "debug",
    base: undefined,
    messageKey: "msg",
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const requestId = currentRequestId();
      return requestId ? { requestId } : {};
    },
  };
  if (opts.destination) return pino(options, opts.destination);
  const pretty = opts.format === "pretty";
  const out = (pretty && prettyStream(1)) || pino.destination({ fd: 1, sync: true });
  const err = (pretty && prettyStream(2)) || pino.destination({ fd: 2, sync: true });
  return pino(
    options,
    pino.multistream(
      [
        { level: "debug", stream: out },
        { level: "warn", stream: err },
      ],
      { dedupe: true },
    ),
  );
}

/** The process's one pino (every bundle writes through it), remade when LOG_FORMAT changes. */
const current = () => processGlobal<{ key?: string; pino?: Pino }>("storeLogger", () => ({}));

function instance(): Pino {
  const format = logSettings().format;
  const held = current();
  if (held.key === "custom" && held.pino) return held.pino;
  if (held.key !== format || !held.pino) Object.assign(held, { key: format, pino: createPino({ format }) });
  return held.pino!;
}

/** Sends the process's log lines to `destination` (tests read them back); `undefined` restores stdout/stderr. */
export function setLogDestination(destination: DestinationStream | undefined) {
  Object.assign(current(), destination ? { key: "custom", pino: createPino({ destination }) } : { key: undefined, pino: undefined });
}

/** Our API over a pino logger: `(msg, fields)`, scrubbed, filtered by LOG_LEVEL at each call. */
export function wrap(getPino: () => Pino) {
  const write = (level: Level, msg: string, fields?: Fields) => {
    if (RANK[logSettings().level]! > RANK[level]!) return;
    const clean = fields ? (redactDeep(fields) as Fields) : {};
    getPino()[level](clean, redactText(msg));
  };
  return {
    debug: (msg: string, fields?: Fields) => write("debug", msg, fields),
    info: (msg: string, fields?: Fields) => write("info", msg, fields),
    warn: (msg: string, fields?: Fields) => write("warn", msg, fields),
    error: (msg: string, fields?: Fields) => write("error", msg, fields),
  };
}

export const log = wrap(instance);

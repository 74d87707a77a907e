// Preloaded into the store by `npm run bench:cpu -- --profile DIR` (NODE_OPTIONS=--import): a V8
// CPU profile of the server process, written to DIR when it is stopped (SIGTERM). Only in the
// process Next serves from; the migration and seed scripts that share the environment are skipped.
import { mkdirSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector";
import path from "node:path";

const dir = process.env.BENCH_CPU_PROFILE_DIR;
if (dir && process.argv.some((a) => a.includes("next"))) {
  const session = new Session();
  session.connect();
  session.post("Profiler.enable");
  session.post("Profiler.setSamplingInterval", { interval: 500 });
  session.post("Profiler.start");
  process.once("SIGTERM", () => {
    session.post("Profiler.stop", (err, result) => {
      if (err) return;
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, `store-${process.pid}.cpuprofile`), JSON.stringify(result.profile));
    });
  });
}

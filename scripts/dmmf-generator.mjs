#!/usr/bin/env node
/**
 * A Prisma generator that writes the schema's data model (Prisma's DMMF: models, fields, defaults,
 * relations, indexes) as JSON to its `output`. scripts/model-sql.mjs runs it through
 * `prisma generate`, which works offline, to read the model without Prisma's schema engine.
 * The generator protocol: JSON-RPC requests on stdin, answers on stderr, one per line.
 */
import { writeFileSync } from "node:fs";
import readline from "node:readline";

const answer = (id, result) => process.stderr.write(JSON.stringify({ jsonrpc: "2.0", id, result }) + "\n");

readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const { id, method, params } = JSON.parse(line);
  if (method === "getManifest") answer(id, { manifest: { prettyName: "data model (JSON)", requiresEngines: [] } });
  else if (method === "generate") {
    writeFileSync(params.generator.output.value, JSON.stringify(params.dmmf.datamodel, null, 2));
    answer(id, null);
  }
});

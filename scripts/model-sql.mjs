/**
 * The SQL a Prisma model stands for, in SQLite's and PostgreSQL's dialects, without Prisma's schema
 * engine (Prisma 7 downloads it on first use: impossible offline, as in this project's CI).
 *
 * - readModel(schemaText): the model as Prisma itself reads it (its DMMF), through `prisma generate`
 *   with scripts/dmmf-generator.mjs, which works offline;
 * - createScript(model, provider): the SQL that builds it from nothing, as `prisma migrate diff
 *   --from-empty` writes it (lib/db/schema.test.ts checks the committed migrations against it);
 * - changeScript(from, to, provider): the migration between two models, for the changes a migration
 *   can make without redefining a table: new tables, new columns that are nullable or have a default,
 *   new or dropped indexes, dropped tables. Anything else throws, naming it: write that migration
 *   with Prisma Migrate where its engine can be downloaded, or by hand (see docs/operations.md, "Migrations").
 *
 * It follows Prisma's own conventions (names `<Table>_<columns>_key|idx|fkey|pkey`, ON DELETE
 * RESTRICT for a required relation and SET NULL for an optional one, ON UPDATE CASCADE, DATETIME /
 * TIMESTAMP(3)), so Prisma Migrate finds no drift when it takes over.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "..");

/** Prisma's DMMF data model of a schema file's text (generators other than ours are left out). */
export function readModel(schemaText) {
  const dir = mkdtempSync(path.join(tmpdir(), "model-"));
  try {
    const out = path.join(dir, "model.json");
    const provider = /datasource\s+\w+\s*\{[^}]*provider\s*=\s*"(\w+)"/.exec(schemaText)?.[1];
    if (!provider) throw new Error("the schema has no datasource block with a provider");
    // Only the provider: a schema from before Prisma 7 (an older git revision) also has a `url`.
    const models = schemaText.replace(/(generator|datasource)\s+\w+\s*\{[^}]*\}/g, "");
    const schema = `datasource db {\n  provider = "${provider}"\n}\n\ngenerator dmmf {\n  provider = "node ${path.join(ROOT, "scripts/dmmf-generator.mjs")}"\n  output   = "${out}"\n}\n${models}`;
    writeFileSync(path.join(dir, "schema.prisma"), schema);
    const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/prisma.mjs"), "generate", "--schema", path.join(dir, "schema.prisma")], {
      cwd: ROOT,
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`prisma generate failed:\n${r.stdout}\n${r.stderr}`);
    return { provider, ...JSON.parse(readFileSync(out, "utf8")) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TYPES = {
  sqlite: { String: "TEXT", Int: "INTEGER", BigInt: "BIGINT", Float: "REAL", Boolean: "BOOLEAN", DateTime: "DATETIME", Decimal: "DECIMAL", Bytes: "BLOB" },
  postgresql: {
    String: "TEXT",
    Int: "INTEGER",
    BigInt: "BIGINT",
    Float: "DOUBLE PRECISION",
    Boolean: "BOOLEAN",
    DateTime: "TIMESTAMP(3)",
    Decimal: "DECIMAL(65,30)",
    Bytes: "BYTEA",
    Json: "JSONB",
  },
};
const ACTIONS = { Cascade: "CASCADE", Restrict: "RESTRICT", NoAction: "NO ACTION", SetNull: "SET NULL", SetDefault: "SET DEFAULT" };
const q = (name) => `"${name}"`;
const cols = (names) => names.map(q).join(", ");

function defaultSql(field) {
  const d = field.default;
  if (d === undefined) return "";
  if (typeof d === "object" && d !== null && !Array.isArray(d)) {
    if (d.name === "now") return " DEFAULT CURRENT_TIMESTAMP";
    if (["cuid", "uuid", "nanoid", "ulid"].includes(d.name)) return ""; // made by the client, not the database
    throw new Error(`@default(${d.name}()) on ${field.name}: not supported here; write this migration with Prisma Migrate or by hand`);
  }
  if (typeof d === "string") return ` DEFAULT '${d.replace(/'/g, "''")}'`;
  return ` DEFAULT ${d}`;
}

/** Tables of a model in one dialect: columns, primary key, indexes and foreign keys, each as its SQL. */
export function tablesOf(model, provider = model.provider) {
  const types = TYPES[provider];
  if (!types) throw new Error(`provider ${provider}: only sqlite and postgresql`);
  const byName = new Map(model.models.map((m) => [m.name, m]));
  const tableName = (m) => m.dbName ?? m.name;
  const columnName = (m, fieldName) => {
    const f = m.fields.find((x) => x.name === fieldName);
    return f?.dbName ?? fieldName;
  };
  const tables = {};
  for (const m of model.models) {
    const table = tableName(m);
    if (m.fields.some((f) => f.isList && f.kind !== "object")) throw new Error(`${m.name}: scalar lists are not supported here`);
    const idFields = m.primaryKey?.fields ?? m.fields.filter((f) => f.isId).map((f) => f.name);
    const pk = idFields.map((f) => columnName(m, f));
    const columns = {};
    for (const f of m.fields.filter((x) => x.kind === "scalar" || x.kind === "enum")) {
      if (f.kind === "enum" || !types[f.type]) throw new Error(`${m.name}.${f.name}: type ${f.type} is not supported here`);
      if (f.nativeType) throw new Error(`${m.name}.${f.name}: native types (@db.*) are not supported here`);
      const inlinePk = provider === "sqlite" && pk.length === 1 && pk[0] === (f.dbName ?? f.name);
      columns[f.dbName ?? f.name] =
        `${q(f.dbName ?? f.name)} ${types[f.type]}${f.isRequired ? " NOT NULL" : ""}${inlinePk ? " PRIMARY KEY" : ""}${defaultSql(f)}`;
    }
    const indexes = {};
    for (const idx of model.indexes.filter((i) => i.model === m.name && (i.type === "unique" || i.type === "normal"))) {
      const names = idx.fields.map((f) => columnName(m, f.name));
      const name = idx.dbName ?? `${table}_${names.join("_")}_${idx.type === "unique" ? "key" : "idx"}`;
      if (idx.fields.some((f) => f.sortOrder || f.length || f.operatorClass)) throw new Error(`${m.name}: index options are not supported here`);
      indexes[name] = `CREATE ${idx.type === "unique" ? "UNIQUE " : ""}INDEX ${q(name)} ON ${q(table)}(${cols(names)});`;
    }
    const foreignKeys = {};
    for (const f of m.fields.filter((x) => x.kind === "object" && x.relationFromFields?.length)) {
      const target = byName.get(f.type);
      const from = f.relationFromFields.map((c) => columnName(m, c));
      const to = f.relationToFields.map((c) => columnName(target, c));
      const name = `${table}_${from.join("_")}_fkey`;
      const onDelete = ACTIONS[f.relationOnDelete ?? (f.isRequired ? "Restrict" : "SetNull")];
      const onUpdate = ACTIONS[f.relationOnUpdate ?? "Cascade"];
      foreignKeys[name] =
        provider === "sqlite"
          ? `CONSTRAINT ${q(name)} FOREIGN KEY (${cols(from)}) REFERENCES ${q(tableName(target))} (${cols(to)}) ON DELETE ${onDelete} ON UPDATE ${onUpdate}`
          : `ALTER TABLE ${q(table)} ADD CONSTRAINT ${q(name)} FOREIGN KEY (${cols(from)}) REFERENCES ${q(tableName(target))}(${cols(to)}) ON DELETE ${onDelete} ON UPDATE ${onUpdate};`;
    }
    tables[table] = { columns, pk, indexes, foreignKeys };
  }
  return tables;
}

function createTable(provider, name, t) {
  const lines = Object.values(t.columns).map((c) => `    ${c}`);
  if (provider === "sqlite") {
    if (t.pk.length > 1) lines.push(`    PRIMARY KEY (${cols(t.pk)})`);
    lines.push(...Object.values(t.foreignKeys).map((c) => `    ${c}`));
    return `-- CreateTable\nCREATE TABLE ${q(name)} (\n${lines.join(",\n")}\n);`;
  }
  const body = lines.join(",\n") + (t.pk.length ? `,\n\n    CONSTRAINT ${q(`${name}_pkey`)} PRIMARY KEY (${cols(t.pk)})` : "");
  return `-- CreateTable\nCREATE TABLE ${q(name)} (\n${body}\n);`;
}

const indexStatements = (t) => Object.values(t.indexes).map((sql) => `-- CreateIndex\n${sql}`);
const foreignKeyStatements = (provider, t) => (provider === "sqlite" ? [] : Object.values(t.foreignKeys).map((sql) => `-- AddForeignKey\n${sql}`));

/** The SQL that creates the model's database from nothing. */
export function createScript(model, provider = model.provider) {
  const tables = tablesOf(model, provider);
  const out = [
    ...Object.entries(tables).map(([name, t]) => createTable(provider, name, t)),
    ...Object.values(tables).flatMap(indexStatements),
    ...Object.values(tables).flatMap((t) => foreignKeyStatements(provider, t)),
  ];
  return out.join("\n\n") + "\n";
}

/** The migration from one model to another, for the changes listed at the top; throws naming any other. */
export function changeScript(from, to, provider = to.provider) {
  const a = tablesOf(from, provider);
  const b = tablesOf(to, provider);
  const out = [];
  const unsupported = [];
  for (const name of Object.keys(a).filter((n) => !(n in b))) out.push(`-- DropTable\nDROP TABLE ${q(name)};`);
  const created = Object.keys(b).filter((n) => !(n in a));
  for (const name of created) out.push(createTable(provider, name, b[name]));
  for (const [name, t] of Object.entries(b)) {
    const old = a[name];
    if (!old) continue;
    for (const c of Object.keys(old.columns)) if (!(c in t.columns)) unsupported.push(`${name}.${c} dropped`);
    const added = [];
    for (const [c, sql] of Object.entries(t.columns)) {
      if (!(c in old.columns)) {
        if (/ NOT NULL/.test(sql) && !/ DEFAULT /.test(sql)) unsupported.push(`${name}.${c} added as required without a default`);
        else added.push(sql);
      } else if (old.columns[c] !== sql) unsupported.push(`${name}.${c} changed (${old.columns[c]} → ${sql})`);
    }
    if (added.length)
      out.push(
        provider === "sqlite"
          ? `-- AlterTable\n${added.map((c) => `ALTER TABLE ${q(name)} ADD COLUMN ${c};`).join("\n")}`
          : `-- AlterTable\nALTER TABLE ${q(name)} ${added.map((c) => `ADD COLUMN     ${c}`).join(",\n")};`,
      );
    if (old.pk.join() !== t.pk.join()) unsupported.push(`${name}: primary key changed`);
    for (const fk of new Set([...Object.keys(old.foreignKeys), ...Object.keys(t.foreignKeys)]))
      if (old.foreignKeys[fk] !== t.foreignKeys[fk]) unsupported.push(`${name}: foreign key ${fk} added, dropped or changed`);
    for (const i of Object.keys(old.indexes)) if (!(i in t.indexes)) out.push(`-- DropIndex\nDROP INDEX ${q(i)};`);
    for (const [i, sql] of Object.entries(t.indexes))
      if (!(i in old.indexes)) out.push(`-- CreateIndex\n${sql}`);
      else if (old.indexes[i] !== sql) unsupported.push(`index ${i} changed`);
  }
  for (const name of created) out.push(...indexStatements(b[name]), ...foreignKeyStatements(provider, b[name]));
  if (unsupported.length)
    throw new Error(`This change needs a migration that redefines tables, which only Prisma Migrate writes (or you, by hand):\n  ${unsupported.join("\n  ")}`);
  return out.length ? out.join("\n\n") + "\n" : "";
}

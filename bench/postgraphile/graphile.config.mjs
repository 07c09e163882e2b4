// PostGraphile 5 preset for the Mosaic side-by-side benchmark: Orquestra's tables,
// read from the `orquestra` schema of DATABASE_URL.
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { makePgService } from "postgraphile/adaptors/pg";
import { makePgSmartTagsPlugin } from "postgraphile/utils";
import { PgSimplifyInflectionPreset } from "@graphile/simplify-inflection";

const SCHEMA = "orquestra";

// The only tables exposed. Everything else in the schema (api_keys holds key hashes;
// project_socials, known_addresses, migration bookkeeping, ...) gets the behavior `-*`,
// so it has no type, field, relation, filter or mutation in the GraphQL schema.
const EXPOSED_TABLES = new Set(["users", "projects", "idl_versions"]);

const OnlyBenchTablesPlugin = makePgSmartTagsPlugin({
  kind: "class",
  match: (pgClass) =>
    pgClass.getNamespace()?.nspname === SCHEMA && !EXPOSED_TABLES.has(pgClass.relname),
  tags: { behavior: "-*" },
});

// With NodePlugin disabled there is no Relay `id` to clash with, so keep the column
// name `id` (PostGraphile would otherwise rename it to `rowId`).
/** @type {GraphileConfig.Plugin} */
const KeepIdColumnNamePlugin = {
  name: "KeepIdColumnNamePlugin",
  version: "0.0.0",
  inflection: {
    replace: {
      _attributeName(previous, options, details) {
        return previous(details.skipRowId ? details : { ...details, skipRowId: true });
      },
    },
  },
};

const connectionString =
  process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/mosaic";

/** @type {GraphileConfig.Preset} */
const preset = {
  extends: [PostGraphileAmberPreset, PgSimplifyInflectionPreset],
  plugins: [OnlyBenchTablesPlugin, KeepIdColumnNamePlugin],
  // No Relay global object IDs (no `node(id:)` root field, no base64 node IDs); with
  // KeepIdColumnNamePlugin, `id` is the table's own `id` column, as in Mosaic.
  disablePlugins: ["NodePlugin"],
  pgServices: [
    makePgService({
      connectionString,
      schemas: [SCHEMA],
      // node-postgres Pool options; `max` is the pool size (connections).
      poolConfig: { max: Number(process.env.PG_POOL_SIZE ?? 10) },
    }),
  ],
  grafserv: {
    host: process.env.HOST ?? "127.0.0.1",
    port: Number(process.env.PORT ?? 8092),
    graphqlPath: "/graphql",
    graphiql: false,
    graphiqlOnGraphQLGET: false,
    watch: false,
    websockets: false,
  },
  grafast: {
    explain: false,
  },
};

export default preset;

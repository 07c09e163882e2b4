// Starts PostGraphile (grafserv on node:http) with ./graphile.config.mjs.
// Env: DATABASE_URL, PORT (default 8092), HOST (default 127.0.0.1), PG_POOL_SIZE (default 10).
// Logs only at start-up and on fatal errors: nothing per request.

// Grafast reads its mode when first loaded, so set it before importing anything.
process.env.GRAPHILE_ENV ??= "production";
process.env.NODE_ENV ??= "production";

const { createServer } = await import("node:http");
const { postgraphile } = await import("postgraphile");
const { grafserv } = await import("postgraphile/grafserv/node");
const { default: preset } = await import("./graphile.config.mjs");

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on("error", (e) => {
  console.error(e);
  process.exit(1);
});
await serv.addTo(server);
// Build the schema (and check the database) before accepting requests.
await pgl.getSchemaResult();

const { host, port } = preset.grafserv;
server.listen(port, host, () => {
  console.log(`PostGraphile listening on http://${host}:${port}${preset.grafserv.graphqlPath}`);
});

const shutdown = async () => {
  server.close();
  await pgl.release();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);

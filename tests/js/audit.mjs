// Runs the GraphQL-over-HTTP spec's audit suite (npm `graphql-http`, its `serverAudits`)
// against a running Mosaic and prints one JSON line: every audit's id, name, status
// (`ok`, or `error` for a MUST, `warn` for a SHOULD, `notice` for a MAY not met) and
// reason.
//
//   node audit.mjs <host:port>
import { serverAudits } from 'graphql-http';

const [addr] = process.argv.slice(2);
const url = `http://${addr}/graphql`;

const results = [];
for (const audit of serverAudits({ url, fetchFn: fetch })) {
  const result = await audit.fn();
  results.push({
    id: audit.id,
    name: audit.name,
    status: result.status,
    reason: result.status === 'ok' ? undefined : result.reason,
  });
}
console.log(JSON.stringify(results));

// Subscribes to Mosaic with an unmodified npm client, makes a mutation over HTTP, and prints
// (one JSON line) what the subscription received.
//
//   node subscribe.mjs <host:port> <graphql-ws | subscriptions-transport-ws>
//
// The subscription is Inner Universe's event log, filtered to `entity.created`; the
// mutation creates an entity as a fresh identity (`universeConnect`). Exits non-zero on
// any error or when nothing arrives within 10 s.
import WebSocket from 'ws';
import { createClient } from 'graphql-ws';
import pkg from 'subscriptions-transport-ws';

const { SubscriptionClient } = pkg;
const [addr, library] = process.argv.slice(2);
const http = `http://${addr}/graphql`;
const wsUrl = `ws://${addr}/graphql/ws`;

// From the start of the log (`after: "0"`), so the event arrives whether the mutation
// commits before or after the subscription starts: no waiting on the wall clock.
const SUBSCRIPTION = `subscription Created($type: String, $me: String) {
  universeEventLogged(eventType: $type, source: $me, after: "0") { eventType source }
}`;

async function graphql(query, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(http, { method: 'POST', headers, body: JSON.stringify({ query }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

function fail(error) {
  console.error(error instanceof Error ? error.stack : JSON.stringify(error));
  process.exit(1);
}

const timer = setTimeout(() => fail(new Error('no event within 10 s')), 10_000);
const { universeConnect: me } = await graphql(
  'mutation { universeConnect(clientInfo: "js") { identity token } }',
);
const variables = { type: 'entity.created', me: me.identity };

// Resolves with the first result; `ready` runs when the server has acknowledged the
// connection.
function subscribe(ready) {
  return new Promise((resolve, reject) => {
    if (library === 'graphql-ws') {
      const client = createClient({
        url: wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${me.token}` },
        retryAttempts: 0,
        on: { connected: () => ready() },
      });
      const stop = client.subscribe(
        { query: SUBSCRIPTION, variables },
        {
          next: (result) => {
            stop();
            client.dispose();
            resolve(result);
          },
          error: reject,
          complete: () => {},
        },
      );
    } else if (library === 'subscriptions-transport-ws') {
      const client = new SubscriptionClient(
        wsUrl,
        { reconnect: false, connectionParams: { authorization: `Bearer ${me.token}` } },
        WebSocket,
      );
      client.onConnected(() => ready());
      client.onError((e) => reject(e));
      const sub = client.request({ query: SUBSCRIPTION, variables }).subscribe({
        next: (result) => {
          sub.unsubscribe();
          client.close();
          resolve(result);
        },
        error: reject,
      });
    } else {
      reject(new Error(`unknown client library ${library}`));
    }
  });
}

try {
  const result = await subscribe(() =>
    graphql(
      'mutation { universeCreateEntity(input: { entityType: "note" }) { entity { id } } }',
      me.token,
    ).catch(fail),
  );
  clearTimeout(timer);
  console.log(JSON.stringify({ identity: me.identity, result }));
  process.exit(0);
} catch (e) {
  fail(e);
}

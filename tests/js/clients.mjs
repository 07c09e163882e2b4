// Drives Mosaic with an unmodified frontend GraphQL client and prints (one JSON line) what
// it saw, for tests/api/js_clients.rs to check:
//
//   node clients.mjs <host:port> <apollo | urql-post | urql-get>
//
// - apollo: `@apollo/client` with its persisted-query link (sha256 from node's crypto;
//   hashed queries over GET) and a graphql-ws link for subscriptions;
// - urql-post / urql-get: `@urql/core` with `fetchExchange` (queries over POST, or over
//   GET with `preferGetMethod`) and a graphql-ws `subscriptionExchange`.
//
// The scenario, as a Bellamy Book user: register (a mutation with variables, no token),
// create three posts (mutations with the sign-in token), read them back two at a time
// following `pageInfo.endCursor` (a query with variables), make two requests that fail
// (their `extensions.code`), and subscribe to a post's comments, then comment on it (the
// event arrives over the WebSocket). Every HTTP request is logged (method, whether it
// carried the document and a persisted-query hash). Exits non-zero on anything
// unexpected or after 30 s.
import { createHash, randomUUID } from 'node:crypto';
import WebSocket from 'ws';
import { createClient as createWsClient } from 'graphql-ws';
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { getMainDefinition } from '@apollo/client/utilities';
import { Client, fetchExchange, subscriptionExchange } from '@urql/core';

const [addr, mode] = process.argv.slice(2);
const httpUrl = `http://${addr}/graphql`;
const wsUrl = `ws://${addr}/graphql/ws`;

function fail(error) {
  console.error(error instanceof Error ? error.stack : JSON.stringify(error));
  process.exit(1);
}
const timer = setTimeout(() => fail(new Error('not done within 30 s')), 30_000);

// Every HTTP request the client makes.
const requests = [];
async function loggingFetch(input, init = {}) {
  const url = new URL(typeof input === 'string' ? input : input.url);
  const method = (init.method ?? 'GET').toUpperCase();
  let body = {};
  if (method === 'GET') {
    body = Object.fromEntries(url.searchParams);
    if (body.extensions) body.extensions = JSON.parse(body.extensions);
  } else if (typeof init.body === 'string') {
    body = JSON.parse(init.body);
  }
  requests.push({
    method,
    query: typeof body.query === 'string' && body.query.length > 0,
    hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
    operationName: body.operationName ?? null,
  });
  return fetch(input, init);
}

const REGISTER = `mutation Register($input: BellamyRegisterInput!) {
  bellamyRegister(input: $input) { user { id username } session { token } }
}`;
const CREATE_POST = `mutation CreatePost($content: String!) {
  bellamyCreatePost(input: { content: $content }) { post { id content author { username } } }
}`;
const POSTS = `query Posts($author: UUID!, $first: Int!, $after: String) {
  bellamyPosts(first: $first, after: $after, filter: { authorId: { eq: $author } }) {
    totalCount
    edges { node { id content } }
    pageInfo { hasNextPage endCursor }
  }
}`;
const COMMENT = `mutation Comment($post: UUID!, $content: String!) {
  bellamyCreateComment(input: { postId: $post, content: $content }) { comment { id } }
}`;
// From the start of the log (`after: "0"`), so the event arrives whether the comment
// commits before or after the subscription starts.
const COMMENTS = `subscription Comments($post: UUID!) {
  bellamyCommentAdded(postId: $post, after: "0") { comment { content author { username } } }
}`;

// A graphql-ws client signed in with the token `token()` gives when it connects.
function graphqlWs(token) {
  return createWsClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: () => (token() ? { authorization: `Bearer ${token()}` } : {}),
    retryAttempts: 0,
  });
}

// One client's operations: { query, mutate, subscribe, dispose }, each operation
// resolving to { data, errors } as the client reports them.
function apollo() {
  let token = null;
  const ws = graphqlWs(() => token);
  const http = new HttpLink({ uri: httpUrl, fetch: loggingFetch });
  const auth = new ApolloLink((operation, forward) => {
    if (token) {
      operation.setContext(({ headers = {} }) => ({
        headers: { ...headers, authorization: `Bearer ${token}` },
      }));
    }
    return forward(operation);
  });
  const persisted = new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: true,
  });
  const link = ApolloLink.split(
    ({ query }) => {
      const def = getMainDefinition(query);
      return def.kind === 'OperationDefinition' && def.operation === 'subscription';
    },
    new GraphQLWsLink(ws),
    ApolloLink.from([auth, persisted, http]),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const unpack = ({ data, error }) => ({
    data: data ?? null,
    errors: error?.errors ?? (error ? [{ message: String(error) }] : undefined),
  });
  return {
    setToken: (t) => {
      token = t;
    },
    query: async (query, variables) =>
      unpack(
        await client.query({
          query: gql(query),
          variables,
          fetchPolicy: 'no-cache',
          errorPolicy: 'all',
        }),
      ),
    mutate: async (mutation, variables) =>
      unpack(await client.mutate({ mutation: gql(mutation), variables, errorPolicy: 'all' })),
    subscribe: (query, variables, onReady) =>
      new Promise((resolve, reject) => {
        const sub = client.subscribe({ query: gql(query), variables }).subscribe({
          next: (result) => {
            sub.unsubscribe();
            resolve(unpack(result));
          },
          error: reject,
        });
        ws.on('connected', () => onReady());
      }),
    dispose: async () => {
      client.stop();
      await ws.dispose();
    },
  };
}

function urql(preferGetMethod) {
  let token = null;
  const ws = graphqlWs(() => token);
  const client = new Client({
    url: httpUrl,
    fetch: loggingFetch,
    preferGetMethod,
    requestPolicy: 'network-only',
    fetchOptions: () => (token ? { headers: { authorization: `Bearer ${token}` } } : {}),
    exchanges: [
      fetchExchange,
      subscriptionExchange({
        forwardSubscription(request) {
          const input = { ...request, query: request.query || '' };
          return {
            subscribe(sink) {
              const unsubscribe = ws.subscribe(input, sink);
              return { unsubscribe };
            },
          };
        },
      }),
    ],
  });
  const unpack = ({ data, error }) => ({
    data: data ?? null,
    errors: error?.graphQLErrors?.length
      ? error.graphQLErrors
      : error
        ? [{ message: error.message }]
        : undefined,
  });
  return {
    setToken: (t) => {
      token = t;
    },
    query: async (query, variables) => unpack(await client.query(query, variables).toPromise()),
    mutate: async (mutation, variables) =>
      unpack(await client.mutation(mutation, variables).toPromise()),
    subscribe: (query, variables, onReady) =>
      new Promise((resolve, reject) => {
        const { unsubscribe } = client.subscription(query, variables).subscribe((result) => {
          unsubscribe();
          if (result.error && !result.data) reject(result.error);
          else resolve(unpack(result));
        });
        ws.on('connected', () => onReady());
      }),
    dispose: async () => {
      await ws.dispose();
    },
  };
}

const client =
  mode === 'apollo'
    ? apollo()
    : mode === 'urql-post'
      ? urql(false)
      : mode === 'urql-get'
        ? urql('force')
        : fail(new Error(`unknown mode ${mode}`));

function must({ data, errors }, what) {
  if (errors?.length || !data) throw new Error(`${what}: ${JSON.stringify(errors)}`);
  return data;
}
const codes = ({ errors }) => (errors ?? []).map((e) => e.extensions?.code ?? null);

try {
  const username = `u${randomUUID().slice(0, 8)}`;
  const password = 'correct horse battery staple';
  const registered = must(
    await client.mutate(REGISTER, {
      input: { email: `${username}@example.com`, username, fullName: 'JS Client', password },
    }),
    'register',
  ).bellamyRegister;
  const me = registered.user;

  // Without the token, writing is refused.
  const anonymous = await client.mutate(CREATE_POST, { content: 'anonymous' });
  client.setToken(registered.session.token);
  const created = [];
  for (const content of ['first', 'second', 'third']) {
    created.push(must(await client.mutate(CREATE_POST, { content }), 'post').bellamyCreatePost.post);
  }

  // Two at a time, following the cursors.
  const pages = [];
  let after = null;
  for (;;) {
    const page = must(await client.query(POSTS, { author: me.id, first: 2, after }), 'posts')
      .bellamyPosts;
    pages.push(page.edges.map((e) => e.node.content));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  // Run the first page again: the persisted query is known by now (GET with the hash).
  must(await client.query(POSTS, { author: me.id, first: 2, after: null }), 'posts again');

  // Errors with their codes: a variable of the wrong shape, a value that breaks a rule.
  const invalid = await client.query(POSTS, { author: 'not-a-uuid', first: 2, after: null });
  const badInput = await client.mutate(CREATE_POST, { content: '' });

  const event = await client.subscribe(COMMENTS, { post: created[0].id }, () =>
    client.mutate(COMMENT, { post: created[0].id, content: 'hello' }).catch(fail),
  );
  await client.dispose();
  clearTimeout(timer);
  console.log(
    JSON.stringify({
      me,
      authors: created.map((p) => p.author.username),
      pages,
      errors: {
        anonymous: codes(anonymous),
        invalid: codes(invalid),
        badInput: codes(badInput),
      },
      event: event.data,
      eventErrors: event.errors ?? null,
      requests,
    }),
  );
  process.exit(0);
} catch (e) {
  fail(e);
}

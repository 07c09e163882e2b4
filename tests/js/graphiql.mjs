// GraphiQL in a real browser (Debian's Chromium, driven by playwright-core), offline:
// every request that leaves the loopback is blocked and reported. Opens GET /graphql,
// types a query, runs it and reads the result; then types a subscription, runs it, makes a
// mutation over HTTP and waits for the event in the result pane. Prints one JSON line.
//
//   node graphiql.mjs <host:port> <screenshot.png>
import { chromium } from 'playwright-core';

const [addr, screenshot] = process.argv.slice(2);
const origin = `http://${addr}`;
const blocked = [];
const consoleErrors = [];

function fail(error) {
  console.error(error instanceof Error ? error.stack : String(error));
  process.exit(1);
}

async function graphql(query, token) {
  const headers = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetch(`${origin}/graphql`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query }),
  });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox'],
});
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (['127.0.0.1', 'localhost'].includes(url.hostname)) return route.continue();
    blocked.push(url.toString());
    return route.abort();
  });
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));

  await page.goto(`${origin}/graphql`);
  const editor = page.locator('.graphiql-query-editor .CodeMirror').first();
  await editor.waitFor({ timeout: 15_000 });
  const explorer = (await page.locator('[aria-label="Show GraphiQL Explorer"]').count()) > 0;

  // Replaces the query editor's text by typing, as a user does (the editor closes
  // brackets and quotes itself; typing the closing one steps over it).
  async function type(text) {
    await editor.click();
    await page.keyboard.press('Control+A');
    await page.keyboard.press('Backspace');
    await page.keyboard.type(text);
    // GraphiQL re-parses the document a moment after typing stops (it picks the transport,
    // HTTP or WebSocket, from the parsed operation); a user pauses at least that long.
    await page.waitForTimeout(600);
  }
  const response = page.locator('.graphiql-response .CodeMirror').first();
  async function run() {
    await page.locator('.graphiql-execute-button').click();
  }
  async function waitForResponse(needle) {
    await page.waitForFunction(
      (n) => {
        const el = document.querySelector('.graphiql-response .CodeMirror');
        return el && el.CodeMirror && el.CodeMirror.getValue().includes(n);
      },
      needle,
      { timeout: 15_000 },
    );
    return response.evaluate((el) => el.CodeMirror.getValue());
  }

  await type('{ apiVersion }');
  await run();
  const query = JSON.parse(await waitForResponse('apiVersion'));

  // A subscription from the start of the log, then the mutation that causes its event.
  const { universeConnect: me } = await graphql(
    'mutation { universeConnect(clientInfo: "browser-test") { identity token } }',
  );
  await type(
    `subscription { universeEventLogged(eventType: "entity.created", source: "${me.identity}", after: "0") { eventType source } }`,
  );
  await run();
  await graphql(
    'mutation { universeCreateEntity(input: { entityType: "note" }) { entity { id } } }',
    me.token,
  );
  const event = JSON.parse(await waitForResponse('entity.created'));
  if (screenshot) await page.screenshot({ path: screenshot });
  console.log(
    JSON.stringify({ query, event, identity: me.identity, explorer, blocked, consoleErrors }),
  );
} catch (e) {
  if (screenshot) {
    try {
      const pages = browser.contexts().flatMap((c) => c.pages());
      if (pages[0]) await pages[0].screenshot({ path: screenshot });
    } catch {}
  }
  console.error(JSON.stringify({ blocked, consoleErrors }));
  fail(e);
} finally {
  await browser.close();
}
process.exit(0);

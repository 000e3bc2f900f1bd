// Node-side checks of the wrapper, independent of the .NET SDK: `node --test tools/cosmos-server/`.
// COSMOS_SERVER_TEST_PORT picks the port (default 0 = any free port).
"use strict";

const test = require("node:test");
const assert = require("node:assert/strict");
const { spawn } = require("node:child_process");
const path = require("node:path");

const SERVER = path.join(__dirname, "server.js");
const PORT = process.env.COSMOS_SERVER_TEST_PORT || "0";

function startServer(extraArgs = []) {
  const child = spawn(process.execPath, [SERVER, "--host", "127.0.0.1", "--port", PORT, "--no-ssl", ...extraArgs], {
    stdio: ["ignore", "pipe", "pipe"]
  });
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout.on("data", chunk => {
      output += chunk;
      const match = /cosmos-server listening on (\S+)/.exec(output);
      if (match) resolve({ child, url: match[1] });
    });
    child.on("exit", code => reject(new Error(`server exited early (${code}): ${output}`)));
  });
}

function stop(child) {
  return new Promise(resolve => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
    child.kill("SIGTERM");
  });
}

async function call(url, method, urlPath, body, headers = {}) {
  const response = await fetch(new URL(urlPath, url), {
    method,
    headers: { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body)
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : undefined };
}

test("wrapper", async t => {
  const { child, url } = await startServer();
  t.after(() => child.exitCode === null && child.kill("SIGKILL"));

  const db = `db${Date.now()}`;
  assert.equal((await call(url, "POST", "/dbs", { id: db })).status, 201);
  const coll = { id: "c", partitionKey: { paths: ["/pk"], kind: "Hash" } };
  assert.equal((await call(url, "POST", `/dbs/${db}/colls`, coll)).status, 201);

  await t.test("answers query-plan requests with a pass-through plan", async () => {
    const query = "SELECT * FROM c ORDER BY c.rank DESC";
    const { status, body } = await call(url, "POST", `/dbs/${db}/colls/c/docs`, { query, parameters: [] }, {
      "content-type": "application/query+json",
      "x-ms-cosmos-is-query-plan-request": "True"
    });
    assert.equal(status, 200);
    assert.equal(body.queryInfo.rewrittenQuery, query);
    assert.deepEqual(body.queryInfo.orderBy, []);
    assert.deepEqual(body.queryInfo.aggregates, []);
    assert.equal(body.queryInfo.distinctType, "None");
    assert.deepEqual(body.queryRanges, [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]);
  });

  await t.test("rejects a plan request without a query", async () => {
    const { status } = await call(url, "POST", `/dbs/${db}/colls/c/docs`, {}, { "x-ms-cosmos-is-query-plan-request": "True" });
    assert.equal(status, 400);
  });

  await t.test("reading a missing document answers 404 NotFound", async () => {
    const { status, body } = await call(url, "GET", `/dbs/${db}/colls/c/docs/missing`, undefined, {
      "x-ms-documentdb-partitionkey": '["p"]'
    });
    assert.equal(status, 404);
    assert.equal(body.code, "NotFound");
  });

  await t.test("reading an existing document still works", async () => {
    const headers = { "x-ms-documentdb-partitionkey": '["p"]' };
    assert.equal((await call(url, "POST", `/dbs/${db}/colls/c/docs`, { id: "d1", pk: "p", rank: 1 }, headers)).status, 201);
    const { status, body } = await call(url, "GET", `/dbs/${db}/colls/c/docs/d1`, undefined, headers);
    assert.equal(status, 200);
    assert.equal(body.rank, 1);
  });

  await t.test("the server itself sorts ORDER BY (what the pass-through plan relies on)", async () => {
    const headers = { "x-ms-documentdb-partitionkey": '["q"]' };
    for (const rank of [3, 1, 2]) {
      await call(url, "POST", `/dbs/${db}/colls/c/docs`, { id: `r${rank}`, pk: "q", rank }, headers);
    }
    const { status, body } = await call(url, "POST", `/dbs/${db}/colls/c/docs`,
      { query: "SELECT * FROM c WHERE c.pk = 'q' ORDER BY c.rank DESC" },
      { "content-type": "application/query+json", "x-ms-documentdb-isquery": "True", "x-ms-documentdb-query-enablecrosspartition": "True" });
    assert.equal(status, 200);
    assert.deepEqual(body.Documents.map(d => d.rank), [3, 2, 1]);
  });

  await t.test("SIGTERM exits cleanly", async () => {
    assert.deepEqual(await stop(child), { code: 0, signal: null });
  });
});

test("unknown arguments exit with status 2", async () => {
  const child = spawn(process.execPath, [SERVER, "--bogus"], { stdio: "ignore" });
  const code = await new Promise(resolve => child.on("exit", resolve));
  assert.equal(code, 2);
});

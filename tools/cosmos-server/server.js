#!/usr/bin/env node
// Local Cosmos DB NoSQL server for development and tests: @vercel/cosmosdb-server 1.0.1 plus two fixes
// the .NET SDK needs (see README.md):
//   1. query-plan requests are answered with a pass-through plan (the package has no query planner);
//   2. reading a missing document answers 404 NotFound instead of a 500 (bug in read-document.js).
// Usage: node tools/cosmos-server/server.js [--host 127.0.0.1] [--port 8081] [--no-ssl]
"use strict";

const PACKAGE = "@vercel/cosmosdb-server";

// The read-document handler must be patched before the package builds its route table, because
// routes.js captures each handler's `default` export when it is first required.
const readDocument = require(`${PACKAGE}/lib/handler/read-document`);
const partitionHeader = require(`${PACKAGE}/lib/utils/get-partition-from-header`);
readDocument.default = withMissingDocumentAs404(readDocument.default);

const { createHttpServer, createHttpsServer } = require(PACKAGE);

const QUERY_PLAN_HEADER = "x-ms-cosmos-is-query-plan-request";
const MAX_QUERY_BODY_BYTES = 1024 * 1024;

function parseArgs(argv) {
  const args = { host: "127.0.0.1", port: 8081, ssl: true };
  for (let i = 0; i < argv.length; i += 1) {
    const key = argv[i];
    switch (key) {
      case "--host":
        args.host = argv[(i += 1)];
        break;
      case "-p":
      case "--port":
        args.port = Number.parseInt(argv[(i += 1)], 10);
        break;
      case "--no-ssl":
        args.ssl = false;
        break;
      case "-h":
      case "--help":
        args.help = true;
        break;
      default:
        throw new Error(`unknown argument: ${key}`);
    }
  }
  if (!Number.isInteger(args.port) || args.port < 0 || args.port > 65535) {
    throw new Error("--port must be an integer between 0 and 65535");
  }
  return args;
}

function notFound(res) {
  res.statusCode = 404;
  return {
    code: "NotFound",
    message: "Entity with the specified id does not exist in the system."
  };
}

// The original handler dereferences the stored document before checking that it exists. Looking the
// document up first (with the same key parsing the package uses) turns that case into the 404 the real
// service returns, and leaves every other path to the original handler.
function withMissingDocumentAs404(original) {
  return (account, req, res, params) => {
    const collection = account.database(params.dbId).collection(params.collId);
    if (collection.read()) {
      const header = partitionHeader.default(req);
      let key;
      try {
        key = partitionHeader.parsePartitionKey(header, params.docId);
      } catch {
        // Malformed header: let the original handler produce its own error.
        return original(account, req, res, params);
      }
      if (!collection.document(params.docId, key).read()) {
        return notFound(res);
      }
    }
    return original(account, req, res, params);
  };
}

// A single-partition server needs no planning: every query is sent as-is to the one range that covers
// the whole key space, and the server itself evaluates ORDER BY / TOP / aggregates over all documents.
// Empty orderBy/aggregates tell the SDK not to merge or re-aggregate anything client-side.
function passThroughPlan(queryText) {
  return {
    partitionedQueryExecutionInfoVersion: 2,
    queryInfo: {
      distinctType: "None",
      top: null,
      offset: null,
      limit: null,
      orderBy: [],
      orderByExpressions: [],
      groupByExpressions: [],
      groupByAliases: [],
      aggregates: [],
      groupByAliasToAggregateType: {},
      rewrittenQuery: queryText,
      hasSelectValue: false,
      dCountInfo: null,
      hasNonStreamingOrderBy: false
    },
    queryRanges: [{ min: "", max: "FF", isMinInclusive: true, isMaxInclusive: false }]
  };
}

function isQueryPlanRequest(req) {
  const value = req.headers[QUERY_PLAN_HEADER];
  return req.method === "POST" && typeof value === "string" && value.toLowerCase() === "true";
}

function sendJson(res, status, body) {
  const payload = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload),
    "x-ms-request-charge": "0",
    "x-ms-activity-id": require("crypto").randomUUID()
  });
  res.end(payload);
}

function answerQueryPlan(req, res) {
  const chunks = [];
  let size = 0;
  req.on("data", chunk => {
    size += chunk.length;
    if (size > MAX_QUERY_BODY_BYTES) {
      sendJson(res, 413, { code: "RequestEntityTooLarge", message: "query body too large" });
      req.destroy();
      return;
    }
    chunks.push(chunk);
  });
  req.on("end", () => {
    if (res.writableEnded) return;
    let query;
    try {
      ({ query } = JSON.parse(Buffer.concat(chunks).toString("utf8")));
    } catch {
      query = undefined;
    }
    if (typeof query !== "string" || query.length === 0) {
      sendJson(res, 400, { code: "BadRequest", message: "query plan request without a query" });
      return;
    }
    sendJson(res, 200, passThroughPlan(query));
  });
}

function start(args) {
  // Keep-alive (the package answers `connection: close` by default) lets the SDK reuse connections:
  // measured ~5x faster point operations over https, and no socket churn under concurrent tests.
  const server = args.ssl ? createHttpsServer({ keepAlive: true }) : createHttpServer({ keepAlive: true });
  // Longer than the .NET client's pooled-connection idle timeout, so the client always closes an idle
  // connection first and never sends a request on a socket the server is closing.
  server.keepAliveTimeout = 120_000;
  // Put the plan shim in front of the package's own request listener: plan requests never reach it.
  const [packageListener] = server.listeners("request");
  server.removeAllListeners("request");
  server.on("request", (req, res) => {
    if (isQueryPlanRequest(req)) {
      answerQueryPlan(req, res);
      return;
    }
    packageListener.call(server, req, res);
  });

  server.listen(args.port, args.host, () => {
    const { port } = server.address();
    const host = args.host.includes(":") ? `[${args.host}]` : args.host;
    console.log(`cosmos-server listening on ${args.ssl ? "https" : "http"}://${host}:${port}/`);
  });

  let stopping = false;
  const stop = signal => {
    if (stopping) return;
    stopping = true;
    console.log(`cosmos-server stopping (${signal})`);
    server.close(() => process.exit(0));
    server.closeAllConnections?.();
    // Idle keep-alive sockets must not hold the process open past a short grace period.
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  return server;
}

if (require.main === module) {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    console.error(`cosmos-server: ${err.message}`);
    process.exit(2);
  }
  if (args.help) {
    console.log("Usage: node tools/cosmos-server/server.js [--host 127.0.0.1] [--port 8081] [--no-ssl]");
    process.exit(0);
  }
  start(args);
}

module.exports = { start, parseArgs, passThroughPlan };

// The version URL client against a plain HTTP server on 127.0.0.1 (and the fake
// Kubernetes server for a certificate the default trust store does not know).

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createVersionUrlClient,
  toVersionUrlCategory,
  VERSION_BODY_MAX_BYTES,
  type VersionUrlClientOptions,
} from "../../../src/adapters/version-url/version-url-client.js";
import type { PortError, Result } from "../../../src/ports/result.js";
import type { VersionReader } from "../../../src/ports/rollout-reader.js";
import { startFakeKube } from "../../fakes/kube-server.js";
import { toFreePort } from "../../support/free-port.js";

const SHA = "3f2a9c1e8b7d6a5f4e3d2c1b0a9f8e7d6c5b4a39";

type Route = (res: ServerResponse) => void;

const send =
  (status: number, body: string, headers: Record<string, string> = {}): Route =>
  (res) => {
    res.writeHead(status, { "content-type": "text/plain", ...headers });
    res.end(body);
  };

const ROUTES: Readonly<Record<string, Route>> = {
  "/version": send(200, `  ${SHA}\n`),
  "/version.json": send(200, JSON.stringify({ sha: SHA, builtAt: "2026-01-01" }), {
    "content-type": "application/json",
  }),
  "/empty": send(204, ""),
  "/big": send(200, "a".repeat(VERSION_BODY_MAX_BYTES * 3)),
  "/missing": send(404, "not here"),
  "/gone": send(410, ""),
  "/private": send(401, "who are you"),
  "/busy": send(503, "<html>upstream</html>"),
  "/limited": send(429, ""),
  "/moved": send(302, "", { location: "/version" }),
  "/loop": send(302, "", { location: "/loop" }),
  "/hop1": send(301, "", { location: "/hop2" }),
  "/hop2": send(307, "", { location: "hop3" }),
  "/hop3": send(308, "", { location: "/version" }),
  "/no-location": send(302, ""),
  "/to-ftp": send(302, "", { location: "ftp://example.com/version" }),
  "/bad-location": send(302, "", { location: "http://[::1" }),
  "/hang": () => undefined,
  "/stall": (res) => {
    res.writeHead(200, { "content-type": "text/plain" });
    res.write("3f2a");
  },
};

let server: Server;
let base: string;
const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
const clients: VersionReader[] = [];

function client(options: VersionUrlClientOptions = {}): VersionReader {
  const made = createVersionUrlClient(options);
  clients.push(made);
  return made;
}

function valueOf(result: Result<string>): string {
  if (!result.ok) throw new Error(`expected success, got ${result.error.message}`);
  return result.value;
}

function errorOf(result: Result<string>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => {
  nock.enableNetConnect();
});
beforeEach(async () => {
  seen.length = 0;
  server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0] ?? "/";
    seen.push({ path, headers: req.headers });
    (ROUTES[path] ?? send(404, ""))(res);
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((made) => made.close()));
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

describe("version URL client: reads", () => {
  it.each([
    ["plain text, trimmed", "/version", SHA],
    ["JSON, as is", "/version.json", JSON.stringify({ sha: SHA, builtAt: "2026-01-01" })],
    ["an empty 204", "/empty", ""],
    ["a redirect, followed", "/moved", SHA],
    ["three redirects, followed", "/hop1", SHA],
  ])("returns the body: %s", async (_case, path, body) => {
    expect(valueOf(await client().read(`${base}${path}`))).toBe(body);
  });

  it("asks caches in between for a fresh answer, without credentials", async () => {
    await client().read(`${base}/version`);
    expect(seen[0]?.headers).toMatchObject({ "cache-control": "no-cache" });
    expect(seen[0]?.headers.authorization).toBeUndefined();
  });

  it("cuts a large body at 64 KiB", async () => {
    const body = valueOf(await client().read(`${base}/big`));
    expect(body).toHaveLength(VERSION_BODY_MAX_BYTES);
  });

  it("follows at most three redirects", async () => {
    await client().read(`${base}/loop`);
    expect(seen.map((entry) => entry.path)).toEqual(["/loop", "/loop", "/loop", "/loop"]);
  });

  it("does not retry: one read is one request", async () => {
    await client().read(`${base}/busy`);
    expect(seen.map((entry) => entry.path)).toEqual(["/busy"]);
  });
});

describe("version URL client: failures", () => {
  it.each([
    ["/missing", "not-found", null, 404],
    ["/gone", "not-found", null, 410],
    ["/private", "rejected", "refused", 401],
    ["/busy", "transient", null, 503],
    ["/limited", "rate-limited", null, 429],
    ["/loop", "invalid-response", "redirect", 302],
    ["/no-location", "invalid-response", "redirect", 302],
    ["/to-ftp", "invalid-response", "redirect", 302],
    ["/bad-location", "invalid-response", "redirect", 302],
  ] as const)("%s is %s (%s)", async (path, category, detail, status) => {
    const error = errorOf(await client().read(`${base}${path}`));
    expect(error).toEqual({
      system: "version-url",
      category,
      detail,
      status,
      retryAfterMs: null,
      traceId: null,
      message: `GET ${base}${path} answered ${status}`,
    });
  });

  it.each([["not a url"], ["ftp://example.com/version"], [""], ["/relative/version"]])(
    "%j is an invalid URL, not requested",
    async (url) => {
      expect(errorOf(await client().read(url))).toMatchObject({
        category: "rejected",
        detail: "invalid-url",
        status: null,
      });
      expect(seen).toEqual([]);
    },
  );

  it("keeps the query and credentials out of the message", async () => {
    const error = errorOf(await client().read(`http://user:pw@127.0.0.1:${new URL(base).port}/missing?key=secret`));
    expect(error.message).toBe(`GET ${base}/missing answered 404`);
  });

  it("a refused connection is transient", async () => {
    const error = errorOf(await client().read(`http://127.0.0.1:${await toFreePort()}/version`));
    expect(error).toMatchObject({
      category: "transient",
      status: null,
      message: expect.stringContaining("ECONNREFUSED"),
    });
  });

  it("a server that never answers runs into the deadline", async () => {
    const error = errorOf(await client({ timeouts: { deadlineMs: 300 } }).read(`${base}/hang`));
    expect(error).toMatchObject({
      category: "transient",
      detail: "timeout",
      status: null,
      message: `GET ${base}/hang: no answer within the 300 ms deadline`,
    });
  });

  it.each([
    ["no headers in time", "/hang", { headersMs: 200 }, "UND_ERR_HEADERS_TIMEOUT"],
    ["a body that stalls", "/stall", { bodyMs: 200 }, "UND_ERR_BODY_TIMEOUT"],
  ])("%s is a timeout (transient)", async (_case, path, timeouts, code) => {
    const error = errorOf(await client({ timeouts }).read(`${base}${path}`));
    expect(error).toMatchObject({ category: "transient", detail: "timeout", message: expect.stringContaining(code) });
  });

  it("a certificate the default trust store does not know is a tls fault (unauthorized)", async () => {
    const kube = await startFakeKube();
    try {
      const error = errorOf(await client().read(`${kube.url}/version`));
      expect(error).toMatchObject({
        category: "unauthorized",
        detail: "tls",
        status: null,
        message: expect.stringContaining("the certificate did not verify"),
      });
    } finally {
      await kube.close();
    }
  });
});

describe("toVersionUrlCategory", () => {
  it.each([
    [404, "not-found", null],
    [410, "not-found", null],
    [400, "rejected", "refused"],
    [401, "rejected", "refused"],
    [403, "rejected", "refused"],
    [301, "invalid-response", "redirect"],
    [408, "transient", "timeout"],
    [429, "rate-limited", null],
    [500, "transient", null],
    [503, "transient", null],
  ] as const)("%i is %s (%s)", (status, category, detail) => {
    expect(toVersionUrlCategory(status)).toEqual({ category, detail });
  });
});

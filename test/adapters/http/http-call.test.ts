// The shared request loop: how a request that ended without a status is sorted, and the
// loop's own rules (retries, deadline, redirects, body cap, decoding) against a plain
// HTTP server on 127.0.0.1. Each adapter's suite checks the loop again with its fake.

import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import nock from "nock";
import { Agent } from "undici";
import { z } from "zod";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  asJson,
  httpCall,
  startDeadline,
  toTransportFailure,
  type HttpRequest,
  type HttpSetup,
} from "../../../src/adapters/http/http-call.js";
import { failure, type PortError, type Result } from "../../../src/ports/result.js";
import { toFreePort } from "../../support/free-port.js";

const WHAT = "GET /x";
const LIVE = startDeadline(60_000);

function coded(code: string, message = "boom"): Error {
  return Object.assign(new Error(message), { code });
}

function sorted(error: unknown, deadline = LIVE): { error: PortError; retryable: boolean } {
  const { result, retryable } = toTransportFailure("t3", WHAT, error, deadline);
  if (result.ok) throw new Error("expected a failure");
  return { error: result.error, retryable };
}

describe("toTransportFailure", () => {
  it("blames the deadline whenever it has passed, whatever undici reports", () => {
    const passed = { signal: AbortSignal.abort(), ms: 500 };
    expect(sorted(coded("ECONNRESET"), passed)).toEqual({
      error: expect.objectContaining({
        category: "transient",
        detail: "timeout",
        status: null,
        message: "GET /x: no answer within the 500 ms deadline",
      }),
      retryable: false,
    });
  });

  it.each([
    ["UND_ERR_CONNECT_TIMEOUT", "connecting timed out"],
    ["UND_ERR_HEADERS_TIMEOUT", "no response headers in time"],
    ["UND_ERR_BODY_TIMEOUT", "the response body stalled"],
  ])("%s is a timeout, not repeated: its time is spent", (code, why) => {
    expect(sorted(coded(code))).toEqual({
      error: expect.objectContaining({ category: "transient", detail: "timeout", message: `GET /x: ${why} (${code})` }),
      retryable: false,
    });
  });

  it.each([
    "DEPTH_ZERO_SELF_SIGNED_CERT",
    "SELF_SIGNED_CERT_IN_CHAIN",
    "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
    "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
    "CERT_HAS_EXPIRED",
    "ERR_TLS_CERT_ALTNAME_INVALID",
    "ERR_SSL_WRONG_VERSION_NUMBER",
  ])("%s is a tls fault (unauthorized), not repeated: the same trust fails again", (code) => {
    const { error, retryable } = sorted(coded(code, "certificate trouble"));
    expect(error).toMatchObject({ category: "unauthorized", detail: "tls" });
    expect(error.message).toContain(`the certificate did not verify (${code})`);
    expect(retryable).toBe(false);
  });

  it.each([
    [
      "a refused connection",
      coded("ECONNREFUSED", "connect ECONNREFUSED 127.0.0.1:6443"),
      "network error ECONNREFUSED: connect ECONNREFUSED",
      "ECONNREFUSED",
    ],
    [
      "a wrapped socket error",
      new Error("fetch failed", { cause: coded("UND_ERR_SOCKET") }),
      "UND_ERR_SOCKET",
      "UND_ERR_SOCKET",
    ],
    ["an error without a code", new Error("socket hang up"), "network error: socket hang up", null],
    ["a thrown string", "odd", "network error: odd", null],
    ["nothing", null, "network error: null", null],
  ])("%s is transient and worth repeating: it may never have arrived", (_case, thrown, text, detail) => {
    const { error, retryable } = sorted(thrown);
    expect(error).toMatchObject({ system: "t3", category: "transient", status: null, detail });
    expect(error.message).toContain(text);
    expect(retryable).toBe(true);
  });
});

type Route = (res: ServerResponse, body: string) => void;

let server: Server;
let base: string;
let routes: Record<string, Route[]>;
const seen: { method: string; path: string; headers: IncomingHttpHeaders; body: string }[] = [];
const agent = new Agent();

const send =
  (status: number, body = "", headers: Record<string, string> = {}): Route =>
  (res) => {
    res.writeHead(status, { "content-type": "application/json", ...headers });
    res.end(body);
  };

function aSetup(overrides: Partial<HttpSetup> = {}): HttpSetup {
  return {
    system: "t3",
    dispatcher: agent,
    timeouts: { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000, deadlineMs: 2_000 },
    retry: { retries: 2, backoffMs: 1 },
    retryStatuses: new Set([503]),
    toHttpFailure: (what, answer) =>
      failure("t3", "transient", `${what} answered ${answer.status}`, { status: answer.status }),
    ...overrides,
  };
}

function aCall(path: string, overrides: Partial<HttpRequest<unknown>> = {}): HttpRequest<unknown> {
  return {
    method: "GET",
    url: `${base}${path}`,
    what: `GET ${path}`,
    headers: { authorization: "Bearer secret" },
    decode: asJson(z.object({ ok: z.literal(true) })),
    ...overrides,
  };
}

function errorOf(result: Result<unknown>): PortError {
  if (result.ok) throw new Error("expected a failure");
  return result.error;
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(async () => {
  nock.enableNetConnect();
  await agent.close();
});
beforeEach(async () => {
  seen.length = 0;
  routes = {};
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const path = req.url ?? "/";
      const body = Buffer.concat(chunks).toString("utf8");
      seen.push({ method: req.method ?? "", path, headers: req.headers, body });
      const route = routes[path]?.shift() ?? send(404);
      route(res, body);
    });
  });
  await new Promise<void>((ready) => server.listen(0, "127.0.0.1", ready));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise<void>((done) => server.close(() => done()));
});

describe("httpCall", () => {
  it("decodes a 2xx against the schema, and a body that does not fit is an invalid response", async () => {
    routes["/ok"] = [send(200, '{"ok":true,"extra":1}')];
    routes["/odd"] = [send(200, '{"ok":false}')];
    expect(await httpCall(aSetup(), aCall("/ok"))).toEqual({ ok: true, value: { ok: true } });
    expect(errorOf(await httpCall(aSetup(), aCall("/odd")))).toMatchObject({
      category: "invalid-response",
      status: 200,
      message: expect.stringContaining("GET /odd: ok:"),
    });
  });

  it("repeats a GET after a retry status, and hands the last answer to the adapter's mapping", async () => {
    routes["/busy"] = [send(503), send(503), send(503)];
    expect(errorOf(await httpCall(aSetup(), aCall("/busy")))).toMatchObject({
      status: 503,
      message: "GET /busy answered 503",
    });
    expect(seen).toHaveLength(3);
  });

  it("tells the observer of every attempt with its status (none for a network error), without the query", async () => {
    const told: unknown[] = [];
    const observe = (sample: unknown): void => void told.push(sample);
    routes["/busy?page=2"] = [send(503), send(200, '{"ok":true}')];
    expect((await httpCall(aSetup({ observe }), aCall("/busy?page=2"))).ok).toBe(true);
    const nobody = `http://127.0.0.1:${await toFreePort()}/gone`;
    await httpCall(aSetup({ observe, retry: { retries: 0, backoffMs: 1 } }), { ...aCall("/gone"), url: nobody });
    expect(told).toEqual([
      { system: "t3", method: "GET", route: "/busy", status: 503 },
      { system: "t3", method: "GET", route: "/busy", status: 200 },
      { system: "t3", method: "GET", route: "/gone", status: null },
    ]);
  });

  it("never repeats a POST unless it is marked idempotent; sends its body as JSON", async () => {
    routes["/post"] = [send(503), send(503), send(200, '{"ok":true}')];
    const post = aCall("/post", { method: "POST", body: { a: 1 } });
    expect((await httpCall(aSetup(), post)).ok).toBe(false);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ body: '{"a":1}', headers: { "content-type": "application/json" } });
    expect((await httpCall(aSetup(), { ...post, idempotent: true })).ok).toBe(true);
    expect(seen).toHaveLength(3);
  });

  it("does not repeat a status the adapter did not name", async () => {
    routes["/gone"] = [send(500)];
    expect(errorOf(await httpCall(aSetup(), aCall("/gone"))).status).toBe(500);
    expect(seen).toHaveLength(1);
  });

  it("a shared deadline spent by an earlier request ends the next one", async () => {
    const deadline = { signal: AbortSignal.abort(), ms: 10 };
    expect(errorOf(await httpCall(aSetup(), aCall("/ok", { deadline })))).toMatchObject({ detail: "timeout" });
  });

  it("follows redirects only when the setup allows them, and never takes the bearer to another origin", async () => {
    const other = base.replace("127.0.0.1", "localhost");
    routes["/hop"] = [send(302, "", { location: "/here" }), send(302, "", { location: "/here" })];
    routes["/here"] = [send(302, "", { location: `${other}/there` })];
    routes["/there"] = [send(200, '{"ok":true}')];
    expect(errorOf(await httpCall(aSetup(), aCall("/hop"))).status).toBe(302);
    nock.enableNetConnect("localhost");
    expect(await httpCall(aSetup({ maxRedirects: 3 }), aCall("/hop"))).toEqual({ ok: true, value: { ok: true } });
    expect(seen.map((request) => [request.path, request.headers.authorization ?? null])).toEqual([
      ["/hop", "Bearer secret"],
      ["/hop", "Bearer secret"],
      ["/here", "Bearer secret"],
      ["/there", null],
    ]);
  });

  it("cuts the body while streaming when the setup caps it", async () => {
    routes["/big"] = [send(200, "x".repeat(10_000))];
    const text = await httpCall(
      aSetup({ maxBodyBytes: 100 }),
      aCall("/big", { decode: (body) => ({ ok: true, value: body }) }),
    );
    expect(text).toEqual({ ok: true, value: "x".repeat(100) });
  });
});

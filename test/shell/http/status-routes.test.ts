// The status routes on a bare node:http server: every answer, by status code, with the
// credentials right, wrong and missing. The browser test (test/e2e/status-page.test.ts)
// runs the same routes inside afk's real server.

import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import { request } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStatusRoutes,
  LOGIN_BODY_MAX_BYTES,
  STATUS_COOKIE,
  toSessionValue,
} from "../../../src/shell/http/status-routes.js";
import type { StatusInput } from "../../../src/core/status/status-types.js";
import { aScene, NOW } from "../../core/status/scene.js";

const TOKEN = "status-token-0123456789abcdef";
const SESSION = toSessionValue(TOKEN);

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let server: Server;
let port = 0;
let input: StatusInput = aScene();

beforeAll(async () => {
  const handler = createStatusRoutes({ token: TOKEN, read: () => input, clock: () => NOW });
  server = createServer((req, res) => {
    void handler(req, res).then((handled) => {
      if (!handled) res.writeHead(404).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  port = typeof address === "object" && address !== null ? address.port : 0;
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

function call(method: string, path: string, headers: Record<string, string> = {}, body = ""): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString("utf8") }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

const FORM = { "content-type": "application/x-www-form-urlencoded" };
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const cookie = (value: string) => ({ cookie: `other=1; ${STATUS_COOKIE}=${value}` });

describe("the status routes", () => {
  it.each<[string, string, Record<string, string>, number]>([
    ["the page with the bearer token", "/status", bearer(TOKEN), 200],
    ["the page with the session cookie", "/status", cookie(SESSION), 200],
    ["the page with a query string", "/status?x=1", bearer(TOKEN), 200],
    ["the JSON with the bearer token", "/status.json", bearer(TOKEN), 200],
    ["the page without credentials", "/status", {}, 401],
    ["the page with a wrong token", "/status", bearer(`${TOKEN}x`), 401],
    ["the page with a lower-case scheme", "/status", { authorization: `bearer ${TOKEN}` }, 200],
    ["the page with the token as Basic credentials", "/status", { authorization: `Basic ${TOKEN}` }, 401],
    ["the page with the token itself as the cookie", "/status", cookie(TOKEN), 401],
    ["the JSON without credentials", "/status.json", {}, 401],
    ["the JSON with a wrong cookie", "/status.json", cookie(`${SESSION.slice(0, -1)}A`), 401],
    ["the login form, to anyone", "/status/login", {}, 200],
    ["a path that is not the status page's", "/statusx", bearer(TOKEN), 404],
    ["a path below it that is not a route", "/status/other", bearer(TOKEN), 404],
  ])("GET %s answers %i", async (_, path, headers, status) => {
    expect((await call("GET", path, headers)).status).toBe(status);
  });

  it("serves the page as HTML that no script, frame or outside asset can touch", async () => {
    const answer = await call("GET", "/status", bearer(TOKEN));
    expect(answer.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(answer.headers["cache-control"]).toBe("no-store");
    expect(answer.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(answer.headers["x-frame-options"]).toBe("DENY");
    expect(answer.body).toContain("acme/widgets#4");
  });

  it("serves status.json as the view model of the same runs", async () => {
    const answer = await call("GET", "/status.json", bearer(TOKEN));
    expect(answer.headers["content-type"]).toBe("application/json; charset=utf-8");
    const view = JSON.parse(answer.body) as { generatedAt: string; groups: { kind: string; rows: unknown[] }[] };
    expect(view.generatedAt).toBe(new Date(NOW).toISOString());
    expect(view.groups.map((group) => [group.kind, group.rows.length])).toEqual([
      ["in-flight", 2],
      ["waiting-for-human", 1],
      ["queued", 1],
      ["finished", 2],
    ]);
  });

  it("reads the runs afresh for every request", async () => {
    input = { ...aScene(), runs: [] };
    const view = JSON.parse((await call("GET", "/status.json", bearer(TOKEN))).body) as { groups: { rows: [] }[] };
    input = aScene();
    expect(view.groups.flatMap((group) => group.rows)).toEqual([]);
  });

  it("answers missing credentials on status.json with 401 and nothing else", async () => {
    const answer = await call("GET", "/status.json", cookie("nope"));
    expect(answer).toMatchObject({ status: 401, body: "" });
    expect(answer.headers["www-authenticate"]).toBe('Bearer realm="afk status"');
    expect(answer.headers["content-type"]).toBeUndefined();
  });

  it("answers missing credentials on the page with 401 and the login form, which shows no run", async () => {
    const answer = await call("GET", "/status", bearer("wrong"));
    expect(answer.body).toContain('<form method="post" action="/status/login">');
    expect(answer.body).not.toContain("acme/");
    expect(answer.body).not.toContain("That token was not accepted");
  });

  it("logs in: 303 to /status with an HttpOnly, SameSite=Strict cookie on /status holding an HMAC of the token", async () => {
    const answer = await call("POST", "/status/login", FORM, `token=${encodeURIComponent(TOKEN)}`);
    expect(answer.status).toBe(303);
    expect(answer.headers.location).toBe("/status");
    const setCookie = answer.headers["set-cookie"]?.[0] ?? "";
    expect(setCookie).toBe(`${STATUS_COOKIE}=${SESSION}; Path=/status; HttpOnly; SameSite=Strict; Max-Age=2592000`);
    expect(setCookie).not.toContain(TOKEN);
    expect((await call("GET", "/status", cookie(SESSION))).status).toBe(200);
  });

  it("marks the cookie Secure behind an HTTPS proxy", async () => {
    const answer = await call("POST", "/status/login", { ...FORM, "x-forwarded-proto": "https" }, `token=${TOKEN}`);
    expect(answer.headers["set-cookie"]?.[0]).toMatch(/; Secure$/);
  });

  it.each<[string, Record<string, string>, string, number]>([
    ["a wrong token", FORM, "token=wrong", 401],
    ["no token", FORM, "other=1", 401],
    ["the token as JSON", { "content-type": "application/json" }, JSON.stringify({ token: TOKEN }), 415],
    ["a body larger than a form", FORM, `token=${"x".repeat(LOGIN_BODY_MAX_BYTES)}`, 413],
  ])("refuses a login with %s (%i), setting no cookie", async (_, headers, body, status) => {
    const answer = await call("POST", "/status/login", headers, body);
    expect(answer.status).toBe(status);
    expect(answer.headers["set-cookie"]).toBeUndefined();
    if (status === 401) expect(answer.body).toContain("That token was not accepted");
  });

  it.each<[string, string, string]>([
    ["POST", "/status", "GET, HEAD"],
    ["DELETE", "/status.json", "GET, HEAD"],
    ["PUT", "/status/login", "GET, HEAD, POST"],
  ])("%s %s answers 405", async (method, path, allow) => {
    const answer = await call(method, path, bearer(TOKEN));
    expect(answer).toMatchObject({ status: 405, body: "" });
    expect(answer.headers.allow).toBe(allow);
  });

  it("answers HEAD with the headers only", async () => {
    const answer = await call("HEAD", "/status", bearer(TOKEN));
    expect(answer.status).toBe(200);
    expect(answer.body).toBe("");
    expect(Number(answer.headers["content-length"])).toBeGreaterThan(1_000);
  });
});

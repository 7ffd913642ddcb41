// Drives the fake GitHub from its own tests the way an app would: JWTs signed with the
// app's key, installation tokens, and a webhook receiver that records what GitHub sends.

import { createHmac, createSign } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { FAKE_APP_ID, GitHubFake } from "./github-fake.js";

export const SECRET = "fake-test-secret";

/** An app JWT as octokit makes it (RS256, iat 30 s back, 10 minutes at most). */
export function aJwt(privateKey: string, claims: Partial<{ iss: number; iat: number; exp: number }> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");
  const body = `${encode({ alg: "RS256", typ: "JWT" })}.${encode({ iat: now - 30, exp: now + 570, iss: FAKE_APP_ID, ...claims })}`;
  const signature = createSign("RSA-SHA256").update(body).sign(privateKey).toString("base64url");
  return `${body}.${signature}`;
}

export interface Call {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

/** One request to the fake; `auth` is the whole Authorization header. */
export async function call(
  github: GitHubFake,
  method: string,
  path: string,
  options: { readonly auth?: string; readonly body?: unknown; readonly headers?: Record<string, string> } = {},
): Promise<Call> {
  const response = await fetch(`${github.apiUrl}${path}`, {
    method,
    redirect: "manual",
    headers: {
      accept: "application/vnd.github+json",
      ...(options.auth === undefined ? {} : { authorization: options.auth }),
      ...(options.body === undefined ? {} : { "content-type": "application/json" }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  });
  const text = await response.text();
  let body: unknown = text;
  if (text !== "" && (response.headers.get("content-type") ?? "").includes("json")) body = JSON.parse(text);
  return { status: response.status, headers: response.headers, body };
}

/** An installation token for `installationId`, got as the app gets one. */
export async function aToken(github: GitHubFake, installationId: number): Promise<string> {
  const answer = await call(github, "POST", `/app/installations/${installationId}/access_tokens`, {
    auth: `Bearer ${aJwt(github.appPrivateKey)}`,
  });
  if (answer.status !== 201) throw new Error(`no token: ${answer.status}`);
  return `token ${(answer.body as { token: string }).token}`;
}

export interface Received {
  readonly event: string;
  readonly guid: string;
  readonly signatureOk: boolean;
  readonly payload: Record<string, unknown>;
  /** When the request arrived, in process time (to order it against API answers). */
  readonly at: number;
}

export interface Receiver {
  readonly url: string;
  readonly received: Received[];
  /** The status the receiver answers (200 unless a test changes it). */
  status: number;
  close(): Promise<void>;
}

/** An app's webhook endpoint: checks each signature, records each delivery. */
export async function startReceiver(): Promise<Receiver> {
  const received: Received[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const expected = `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
      received.push({
        event: String(req.headers["x-github-event"]),
        guid: String(req.headers["x-github-delivery"]),
        signatureOk: req.headers["x-hub-signature-256"] === expected,
        payload: JSON.parse(body) as Record<string, unknown>,
        at: performance.now(),
      });
      res.writeHead(state.status);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    get status() {
      return state.status;
    },
    set status(value: number) {
      state.status = value;
    },
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

import { createHmac, generateKeyPairSync } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Probot, ProbotOctokit, createNodeMiddleware } from "probot";
import { postDelivery, signDelivery, WEBHOOK_PATH, type DeliveryInput } from "./sign-delivery.js";
import { anIssuesEvent } from "./webhook-fixtures.js";

const SECRET = "webhook-secret";

function aDeliveryInput(overrides: Partial<DeliveryInput> = {}): DeliveryInput {
  return { event: "issues", payload: { action: "labeled", n: 1 }, secret: SECRET, ...overrides };
}

describe("signDelivery", () => {
  it("signs the exact body with HMAC-SHA256 of the secret", () => {
    const delivery = signDelivery(aDeliveryInput({ payload: { text: "café ☕" } }));
    const expected = createHmac("sha256", SECRET).update(Buffer.from(delivery.body, "utf8")).digest("hex");
    expect(delivery.headers["X-Hub-Signature-256"]).toBe(`sha256=${expected}`);
    expect(JSON.parse(delivery.body)).toEqual({ text: "café ☕" });
  });

  it("names the event and declares JSON", () => {
    const { headers } = signDelivery(aDeliveryInput({ event: "installation_repositories" }));
    expect(headers).toMatchObject({
      "X-GitHub-Event": "installation_repositories",
      "content-type": "application/json",
    });
  });

  it("keeps a given delivery id, so a test can redeliver the same one", () => {
    expect(signDelivery(aDeliveryInput({ id: "d-1" })).headers["X-GitHub-Delivery"]).toBe("d-1");
  });

  it("draws a fresh UUID per delivery when no id is given", () => {
    const first = signDelivery(aDeliveryInput()).headers["X-GitHub-Delivery"];
    const second = signDelivery(aDeliveryInput()).headers["X-GitHub-Delivery"];
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).not.toBe(first);
  });

  it("depends on the secret", () => {
    const a = signDelivery(aDeliveryInput({ secret: "a" })).headers["X-Hub-Signature-256"];
    const b = signDelivery(aDeliveryInput({ secret: "b" })).headers["X-Hub-Signature-256"];
    expect(a).not.toBe(b);
  });
});

describe("postDelivery to a real Probot", () => {
  const received: { name: string; id: string; installation: number | undefined }[] = [];
  let server: Server;
  let baseUrl: string;

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const Octokit = ProbotOctokit.defaults({ retry: { enabled: false }, throttle: { enabled: false } });
    const probot = new Probot({ appId: 1, privateKey, secret: SECRET, Octokit, logLevel: "fatal" });
    const middleware = await createNodeMiddleware(
      (app) => {
        app.on("issues.labeled", async (context) => {
          received.push({ name: context.name, id: context.id, installation: context.payload.installation?.id });
        });
      },
      { probot },
    );
    server = createServer((req, res) => {
      void middleware(req, res, () => {
        res.writeHead(404).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  beforeEach(() => {
    received.length = 0;
  });
  afterAll(async () => {
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  });

  it(`delivers a signed fixture to ${WEBHOOK_PATH}, where Probot verifies it and runs the handler`, async () => {
    const payload = anIssuesEvent("labeled", { installationId: 77, label: "ready-for-agent" });
    const response = await postDelivery(
      baseUrl,
      signDelivery({ event: "issues", payload, secret: SECRET, id: "delivery-1" }),
    );
    expect(response.status).toBe(200);
    expect(received).toEqual([{ name: "issues", id: "delivery-1", installation: 77 }]);
  });

  it.each<[string, (body: string) => string, string]>([
    ["signed with another secret", (body) => body, "not-the-secret"],
    ["altered after signing", (body) => body.replace("ready-for-agent", "ready-for-agenT"), SECRET],
  ])("is refused by Probot when %s", async (_name, alter, secret) => {
    const delivery = signDelivery({
      event: "issues",
      payload: anIssuesEvent("labeled", { label: "ready-for-agent" }),
      secret,
    });
    const response = await postDelivery(baseUrl, { ...delivery, body: alter(delivery.body) });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.text).toMatch(/signature/i);
    expect(received).toEqual([]);
  });
});

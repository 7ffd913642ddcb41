// The orchestration:operate probe against the strict fake T3, which checks the bearer
// (401) and the scope (403) before it decodes the body (400), as T3 does: a body that
// is no command tells the scope apart without creating anything.

import nock from "nock";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createT3Client, type T3Client } from "../../../src/adapters/t3/t3-client.js";
import { probeOperateScope } from "../../../src/adapters/t3/t3-scope-probe.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3, type T3Scope } from "../../fakes/t3-server.js";

let fake: FakeT3;
let client: T3Client;

async function start(scopes: readonly T3Scope[], token = FAKE_T3_TOKEN): Promise<void> {
  fake = await startFakeT3({ tokens: { [FAKE_T3_TOKEN]: scopes } });
  client = createT3Client({ baseUrl: fake.url, token, tokenFile: null, retry: { retries: 0 } });
}

beforeAll(() => {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
});
afterAll(() => nock.enableNetConnect());
afterEach(async () => {
  // Whatever the answer, T3 accepted no command.
  expect(fake.commands).toEqual([]);
  await client.close();
  await fake.close();
});

describe("probing orchestration:operate", () => {
  it("reads T3's refusal to decode the body as the scope granted", async () => {
    await start(["orchestration:read", "orchestration:operate"]);
    expect(await probeOperateScope(client)).toEqual({ ok: true, value: "granted" });
    expect(fake.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ["POST", "/api/orchestration/dispatch", 400],
    ]);
  });

  it("reads a 403 as the scope missing", async () => {
    await start(["orchestration:read"]);
    expect(await probeOperateScope(client)).toEqual({ ok: true, value: "missing" });
  });

  it("answers a refused token with T3's 401", async () => {
    await start(["orchestration:operate"], "not-the-token");
    expect(await probeOperateScope(client)).toMatchObject({
      ok: false,
      error: { category: "unauthorized", status: 401, detail: "EnvironmentAuthInvalidError" },
    });
  });

  it("does not take a server that accepts a body without a type for a scope check", async () => {
    await start(["orchestration:operate"]);
    fake.failNext("dispatch", { status: 200, body: { sequence: 1 } });
    expect(await probeOperateScope(client)).toMatchObject({ ok: false, error: { category: "invalid-response" } });
  });

  it("passes a failing server's answer on", async () => {
    await start(["orchestration:operate"]);
    fake.failNext("dispatch", { status: 503, body: "down" });
    expect(await probeOperateScope(client)).toMatchObject({ ok: false, error: { category: "transient", status: 503 } });
  });
});

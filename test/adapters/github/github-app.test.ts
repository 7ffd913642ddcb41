// The GitHub App port against nock, every request checked against GitHub's OpenAPI
// description: who afk is, and where it is installed. (Failed deliveries:
// app-deliveries.test.ts.)

import nock from "nock";
import { describe, expect, it } from "vitest";
import { createGitHubApp } from "../../../src/adapters/github/github-app.js";
import { aTestOctokit, useGitHubNock } from "../../support/github-nock.js";

const API = "https://api.github.com";
const NOW = 1_700_000_000_000;

useGitHubNock();

const app = createGitHubApp(aTestOctokit("jwt"), { clock: () => NOW });

describe("the app's identity", () => {
  it("reads the slug from GET /app, as the app; its bot user is <slug>[bot]", async () => {
    nock(API)
      .get("/app")
      .matchHeader("authorization", "token jwt")
      .reply(200, { id: 77, slug: "afk-dev", name: "afk (dev)", owner: { login: "acme", id: 1 } });
    expect(await app.readIdentity()).toEqual({
      ok: true,
      value: { appId: 77, slug: "afk-dev", botLogin: "afk-dev[bot]" },
    });
  });

  it.each([
    [401, "unauthorized"],
    [502, "transient"],
  ] as const)("maps a %i from GET /app to %s", async (status, category) => {
    nock(API).get("/app").reply(status, { message: "nope" });
    const result = await app.readIdentity();
    expect(!result.ok && result.error).toMatchObject({ system: "github", category, status });
  });

  it("says so when GET /app names no slug", async () => {
    nock(API).get("/app").reply(200, { id: 77, slug: "" });
    const result = await app.readIdentity();
    expect(!result.ok && result.error.category).toBe("invalid-response");
  });
});

describe("installations", () => {
  it("finds afk's installation on a repo as the app, and none when not installed", async () => {
    nock(API)
      .get("/repos/acme/widgets/installation")
      .reply(200, { id: 4242 })
      .get("/repos/acme/other/installation")
      .reply(404, {})
      .get("/repos/acme/down/installation")
      .reply(502, {});
    expect(await app.findInstallation("acme/widgets")).toEqual({ ok: true, value: 4242 });
    expect(await app.findInstallation("acme/other")).toEqual({ ok: true, value: null });
    expect(await app.findInstallation("acme/down")).toMatchObject({ ok: false, error: { category: "transient" } });
  });
});

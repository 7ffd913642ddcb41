// The app's grants against nock, every request checked against GitHub's OpenAPI
// description: what the app's settings grant, and what each installation accepted.

import nock from "nock";
import { describe, expect, it } from "vitest";
import { createAppGrantsReader } from "../../../src/adapters/github/app-grants.js";
import { aTestOctokit, GITHUB_API, useGitHubNock } from "../../support/github-nock.js";

useGitHubNock();

const reader = createAppGrantsReader(aTestOctokit("jwt"), () => 1_700_000_000_000);

describe("the app's grants", () => {
  it("reads the permissions and events of the app's settings from GET /app, as the app", async () => {
    nock(GITHUB_API)
      .get("/app")
      .matchHeader("authorization", "token jwt")
      .reply(200, {
        id: 77,
        slug: "afk-dev",
        permissions: { issues: "write", metadata: "read" },
        events: ["issues", "push"],
      });
    expect(await reader.readApp()).toEqual({
      ok: true,
      value: {
        appId: 77,
        slug: "afk-dev",
        permissions: { issues: "write", metadata: "read" },
        events: ["issues", "push"],
      },
    });
  });

  it("reads an app without permissions or events as granting none", async () => {
    nock(GITHUB_API).get("/app").reply(200, { id: 77, slug: "afk-dev" });
    expect(await reader.readApp()).toMatchObject({ ok: true, value: { permissions: {}, events: [] } });
  });

  it("maps a refused JWT to unauthorized", async () => {
    nock(GITHUB_API).get("/app").reply(401, { message: "A JSON web token could not be decoded" });
    const result = await reader.readApp();
    expect(!result.ok && result.error).toMatchObject({ system: "github", category: "unauthorized", status: 401 });
  });
});

describe("an installation's grants", () => {
  it("reads what the installation on a repo accepted, and whose account it is", async () => {
    nock(GITHUB_API)
      .get("/repos/acme/widgets/installation")
      .reply(200, {
        id: 4242,
        account: { login: "acme", id: 1, type: "Organization" },
        permissions: { issues: "read", metadata: "read" },
        events: ["issues"],
      });
    expect(await reader.readInstallation("acme/widgets")).toEqual({
      ok: true,
      value: {
        installationId: 4242,
        account: "acme",
        permissions: { issues: "read", metadata: "read" },
        events: ["issues"],
      },
    });
  });

  it("answers null where the app is not installed, and a failure when GitHub fails", async () => {
    nock(GITHUB_API).get("/repos/acme/other/installation").reply(404, {});
    nock(GITHUB_API).get("/repos/acme/down/installation").reply(502, {});
    expect(await reader.readInstallation("acme/other")).toEqual({ ok: true, value: null });
    expect(await reader.readInstallation("acme/down")).toMatchObject({ ok: false, error: { category: "transient" } });
  });
});

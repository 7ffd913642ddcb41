// The doctor's pure checks, with plain data: what each answer means (✓, ✗ with its fix,
// or – when the check does not apply) and how it is worded.

import { parse as parseYaml } from "yaml";
import { describe, expect, it } from "vitest";
import { parseOperatorConfig } from "../../src/core/config/config.js";
import { parseRepoConfig } from "../../src/core/config/repo-config.js";
import type { DeploymentFact } from "../../src/core/observe/observe-types.js";
import { toConfigLines } from "../../src/doctor/checks/check-config.js";
import { toCredentialsLine, toInstallationLine } from "../../src/doctor/checks/check-github.js";
import { toRepoConfigLine } from "../../src/doctor/checks/check-repo-config.js";
import { toSlackChannelLine, toSlackUserLine } from "../../src/doctor/checks/check-slack.js";
import { toDeploymentLine, toKubeAccessLine } from "../../src/doctor/checks/check-stages.js";
import { parseVersion, toT3Version, toT3VersionLine } from "../../src/doctor/checks/check-t3.js";
import { fail, pass, renderLine, skip, toExitCode } from "../../src/doctor/checks/doctor-line.js";
import { toGenericFix } from "../../src/doctor/checks/generic-fix.js";
import { describeMissing, parseManifestGrants, toMissingGrants } from "../../src/doctor/checks/manifest-grants.js";
import { failure, ok, type ErrorCategory, type PortError } from "../../src/ports/result.js";
import { FAKE_APP_GRANTS } from "../fakes/github-fake.js";
import { MANIFEST } from "./doctor-world.js";

const operator = (() => {
  const parsed = parseOperatorConfig({ AFK_KUBE_API_URL: "https://kube.example.com" });
  if (!parsed.ok) throw new Error("operator config");
  return parsed.config;
})();

function anError(category: ErrorCategory, extra: Partial<PortError> = {}): PortError {
  const result = failure("github", category, "it failed");
  if (result.ok) throw new Error("unreachable");
  return { ...result.error, ...extra };
}

describe("a line of the report", () => {
  it("is ✓ text, ✗ text with its fix, or – text; only a ✗ fails the run", () => {
    expect(renderLine(pass("it works"))).toBe("✓ it works");
    expect(renderLine(fail("it broke", "mend it."))).toBe("✗ it broke. Fix: mend it.");
    expect(renderLine(skip("nothing to see"))).toBe("– nothing to see");
    expect(toExitCode([pass("a"), skip("b")])).toBe(0);
    expect(toExitCode([pass("a"), fail("b", "c.")])).toBe(1);
  });

  it.each<[ErrorCategory, RegExp]>([
    ["rate-limited", /^wait 30 s and run the doctor again\.$/],
    ["transient", /^check X and that the server is up/],
    ["unauthorized", /^check the credentials and the TLS trust given by X\.$/],
    ["invalid-response", /points at the service itself/],
    ["not-found", /^check X\.$/],
    ["rejected", /^check X\.$/],
  ])("gives a %s failure without sharper advice a generic fix", (category, fix) => {
    expect(toGenericFix(anError(category, { retryAfterMs: 30_000 }), "X")).toMatch(fix);
  });
});

describe("the configuration", () => {
  it("fails once per problem, with start-up's own words", () => {
    const lines = toConfigLines({
      ok: false,
      message: 'AFK_KILL_SWITCH="maybe": bad; accepted: on or off\nT3_TOKEN: x',
    });
    expect(lines.map(renderLine)).toEqual([
      '✗ the configuration is invalid: AFK_KILL_SWITCH="maybe": bad; accepted: on or off. Fix: give the variable named here an accepted value; npm start refuses to start with this same message.',
      "✗ the configuration is invalid: T3_TOKEN: x. Fix: give the variable named here an accepted value; npm start refuses to start with this same message.",
    ]);
  });
});

describe("app.yml and the grants", () => {
  it("reads app.yml as the grants the fake GitHub gives an intact app", () => {
    const manifest = parseManifestGrants(parseYaml(MANIFEST));
    expect(manifest).toEqual({ ok: true, grants: FAKE_APP_GRANTS });
  });

  it.each([
    [null, "not a mapping"],
    [{ default_permissions: [] }, "default_permissions is not a mapping"],
    [
      { default_permissions: { issues: "all" }, default_events: [] },
      "default_permissions.issues is not read, write or admin",
    ],
    [{ default_permissions: {}, default_events: "push" }, "default_events is not a list of event names"],
  ])("refuses a manifest %j: %s", (raw, why) => {
    expect(parseManifestGrants(raw)).toEqual({ ok: false, why });
  });

  it("counts a lower access as missing, and a higher one as enough", () => {
    const wanted = { permissions: { issues: "write", contents: "read", checks: "read" }, events: ["issues", "push"] };
    const missing = toMissingGrants(wanted, {
      permissions: { issues: "read", contents: "admin" },
      events: ["issues"],
    });
    expect(missing).toEqual({
      permissions: [
        { name: "issues", wanted: "write", granted: "read" },
        { name: "checks", wanted: "read", granted: null },
      ],
      events: ["push"],
    });
    expect(describeMissing(missing)).toBe(
      "permissions issues: write (granted read), checks: read (not granted); event push",
    );
  });
});

describe("the app's credentials and installations", () => {
  it.each([
    [{ kind: "no-app-id" } as const, "✗ the app cannot authenticate: APP_ID is not set. Fix: set APP_ID"],
    [{ kind: "bad-app-id" } as const, "✗ the app cannot authenticate: APP_ID is not a whole number. Fix: set APP_ID"],
    [{ kind: "no-key" } as const, "✗ the app cannot authenticate: no private key (PRIVATE_KEY, PRIVATE_KEY_PATH"],
    [{ kind: "bad-key", why: "no file at ./x.pem" } as const, "✗ the app cannot authenticate: no file at ./x.pem. Fix"],
  ])("says what is wrong with %j", (problem, start) => {
    expect(renderLine(toCredentialsLine(problem)).startsWith(start)).toBe(true);
  });

  it("fails when GitHub cannot say whether the app is installed", () => {
    const app = { appId: 1, slug: "afk", ...FAKE_APP_GRANTS };
    const line = toInstallationLine("acme/widgets", { ok: false, error: anError("transient") }, app);
    expect(renderLine(line)).toMatch(/^✗ acme\/widgets: cannot tell whether the app is installed: GitHub transient/);
  });
});

describe(".github/afk.yml", () => {
  it("fails on a file that is not YAML", () => {
    const line = toRepoConfigLine("acme/widgets", { kind: "not-yaml", branch: "main", why: "bad indentation" });
    expect(renderLine(line)).toMatch(
      /^✗ acme\/widgets: \.github\/afk\.yml on main is not valid YAML \(bad indentation\)\. Fix: /,
    );
  });

  it("passes a valid file and names its stages and what the operator's budgets capped", () => {
    const result = parseRepoConfig(
      { rollout: { version_url: { url: "https://example.com/v" } }, budgets: { run_minutes: 99_99 } },
      operator,
    );
    expect(renderLine(toRepoConfigLine("acme/widgets", { kind: "parsed", branch: "trunk", result }))).toBe(
      "✓ acme/widgets: .github/afk.yml on trunk is valid (no deploy stage; rollout: a version URL; capped at the operator's: budgets.run_minutes)",
    );
  });

  it("fails when the file cannot be read", () => {
    const line = toRepoConfigLine("acme/widgets", { kind: "unread", error: anError("transient") });
    expect(line.kind).toBe("fail");
  });
});

describe("T3's version", () => {
  it.each([
    ["0.0.29", "supported"],
    ["0.0.33", "supported"],
    ["v0.1.0", "supported"],
    ["1.0.0-rc.1", "supported"],
    ["0.0.28", "too-old"],
    ["0.0.9", "too-old"],
    ["nightly", "unreadable"],
    ["0.29", "unreadable"],
  ])("judges %s %s", (version, verdict) => {
    expect(toT3Version(version)).toBe(verdict);
  });

  it("parses the numbers, not the suffix", () => {
    expect(parseVersion("0.0.33-nightly.4")).toEqual([0, 0, 33]);
  });

  it("fails a version that is no version", () => {
    expect(renderLine(toT3VersionLine(ok("nightly")))).toBe(
      '✗ T3 names its version "nightly", which is no version number. Fix: run a released T3 Code server, 0.0.29 or later.',
    );
  });
});

describe("Kubernetes", () => {
  const target = { namespace: "web", deployment: "widgets", container: "app", usedBy: ["acme/widgets"] };
  const deployment = (containers: readonly string[]): DeploymentFact => ({
    generation: 1,
    observedGeneration: 1,
    replicas: 1,
    paused: false,
    images: containers.map((container) => ({ container, image: `x/${container}:1` })),
    status: { replicas: 1, updatedReplicas: 1, availableReplicas: 1 },
    conditions: [],
  });

  it("fails a Deployment without the named container, and names the ones it has", () => {
    expect(renderLine(toDeploymentLine(target, ok(deployment(["api", "proxy"])), true))).toBe(
      "✗ Kubernetes: Deployment web/widgets has no container app (it has api, proxy). Fix: set the container in rollout.kubernetes in the .github/afk.yml of acme/widgets to one of the Deployment's containers.",
    );
  });

  it("does not count a forbidden read twice when the access review already said no", () => {
    const forbidden = { ok: false as const, error: anError("unauthorized", { system: "kubernetes", status: 403 }) };
    expect(toDeploymentLine(target, forbidden, false).kind).toBe("skip");
    expect(toDeploymentLine(target, forbidden, true).kind).toBe("fail");
  });

  it("fails when the access review itself fails", () => {
    const line = toKubeAccessLine("web", { ok: false, error: anError("unauthorized", { system: "kubernetes" }) });
    expect(renderLine(line)).toMatch(
      /^✗ Kubernetes: cannot ask whether afk may get Deployments in web: .+ Fix: check the credentials and the TLS trust given by AFK_KUBE_API_URL/,
    );
  });
});

describe("Slack", () => {
  const slackError = (detail: string): PortError => ({
    ...anError("not-found", { system: "slack", detail }),
    message: `conversations.history failed: ${detail}`,
  });

  it("tells a channel the bot cannot see from one it is not in, and names the scope a token lacks", () => {
    expect(renderLine(toSlackChannelLine("C1", { ok: false, error: slackError("channel_not_found") }))).toMatch(
      /^✗ Slack: the bot cannot see SLACK_CHANNEL C1\. Fix: set SLACK_CHANNEL to the channel's id/,
    );
    expect(renderLine(toSlackChannelLine("C1", { ok: false, error: slackError("missing_scope") }))).toBe(
      "✗ Slack: the token lacks the scope channels:history (public channels) or groups:history (private ones): Slack not-found (missing_scope): conversations.history failed: missing_scope. Fix: add both under OAuth & Permissions → Bot Token Scopes, then reinstall the Slack app to the workspace.",
    );
    expect(toSlackChannelLine("C1", { ok: false, error: slackError("ratelimited") }).kind).toBe("fail");
  });

  it("fails a deactivated allowed user", () => {
    expect(renderLine(toSlackUserLine("U1", ok({ id: "U1", name: "bob", deleted: true })))).toBe(
      "✗ Slack: allowed user U1 (bob) is deactivated. Fix: remove U1 from SLACK_ALLOWED_USERS, or reactivate the account.",
    );
  });
});

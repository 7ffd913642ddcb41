import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseOperatorConfig } from "../../../src/core/config/config.js";
import { CONFIG_VARIABLES, PROBOT_VARIABLES } from "../../../src/core/config/config-variables.js";
import { formatConfigErrors, type ConfigError } from "../../../src/core/config/config-errors.js";
import { toClosestName, toEditDistance } from "../../../src/core/config/config-errors.js";
import type { OperatorConfig } from "../../../src/core/config/config-types.js";
import { FIELDS, VARIABLE_NAMES, type VariableName } from "../../../src/core/config/config-variables.js";

type Env = Record<string, string | undefined>;
type FileValues = Record<string, unknown>;

const MINUTE_MS = 60_000;
const SECRETS = [
  "T3_TOKEN",
  "WOODPECKER_TOKEN",
  "SLACK_BOT_TOKEN",
  "SLACK_SIGNING_SECRET",
  "AFK_STATUS_TOKEN",
] as const;
const SLACK = { SLACK_BOT_TOKEN: "xoxb-1", SLACK_SIGNING_SECRET: "sig", SLACK_CHANNEL: "C0123456789" };

/** An armed environment that parses: a case states only what it adds or changes. */
function anArmedEnv(overrides: Env = {}): Env {
  return { AFK_KILL_SWITCH: "off", T3_BASE_URL: "http://t3.test", T3_TOKEN: "t3-token", ...overrides };
}

function parseOk(env: Env, file?: FileValues): OperatorConfig {
  const result = parseOperatorConfig(env, file);
  if (!result.ok) throw new Error(`expected a valid configuration:\n${formatConfigErrors(result.errors)}`);
  return result.config;
}

function parseErrors(env: Env, file?: FileValues): readonly ConfigError[] {
  const result = parseOperatorConfig(env, file);
  if (result.ok) throw new Error("expected configuration errors");
  return result.errors;
}

function errorsFor(name: string, env: Env, file?: FileValues): readonly ConfigError[] {
  return parseErrors(env, file).filter((error) => error.variable === name);
}

describe("parseOperatorConfig defaults", () => {
  it("with nothing set afk ships disarmed, with the documented defaults", () => {
    expect(parseOk({})).toEqual({
      killSwitch: true,
      allowlist: [],
      t3: {
        baseUrl: null,
        token: null,
        tokenFile: null,
        instanceId: "claudeAgent",
        model: "claude-sonnet-4-5",
        workspaceBase: "/workspace",
        runtimeMode: "full-access",
      },
      labels: {
        ready: "ready-for-agent",
        inProgress: "afk:in-progress",
        human: "ready-for-human",
        priorityPrefix: "priority:",
      },
      trustedRoles: ["admin", "maintain", "write"],
      trustedBots: [],
      maxConcurrentRuns: 3,
      defaultPriority: 100,
      budgets: {
        fixForwardTurns: 2,
        runMs: 240 * MINUTE_MS,
        ciMs: 60 * MINUTE_MS,
        ciNoChecksMs: 15 * MINUTE_MS,
        deployMs: 30 * MINUTE_MS,
        deployBlockedMs: 60 * MINUTE_MS,
        rolloutMs: 20 * MINUTE_MS,
      },
      sweepIntervalMs: 60_000,
      woodpecker: null,
      slack: null,
      kube: {
        apiUrl: null,
        tokenFile: "/var/run/secrets/kubernetes.io/serviceaccount/token",
        caFile: "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt",
      },
      statusToken: null,
    });
  });

  it("an empty or blank value counts as unset", () => {
    expect(parseOk({ AFK_KILL_SWITCH: "", AFK_MAX_CONCURRENT_RUNS: "   ", AFK_ALLOWLIST: " , ," })).toEqual(
      parseOk({}),
    );
  });

  it("every documented default is the value used when the variable is unset", () => {
    const documented = Object.fromEntries(
      CONFIG_VARIABLES.filter((v) => v.default !== "" && !("shownDefault" in FIELDS[v.name])).map((v) => [
        v.name,
        v.default,
      ]),
    );
    expect(parseOk(documented)).toEqual(parseOk({}));
  });
});

describe("parseOperatorConfig good values", () => {
  it.each<[string, Env, (config: OperatorConfig) => unknown, unknown]>([
    ["kill switch off arms afk", {}, (c) => c.killSwitch, false],
    ["kill switch spellings are case-insensitive (OFF)", { AFK_KILL_SWITCH: "OFF" }, (c) => c.killSwitch, false],
    ["kill switch false means off", { AFK_KILL_SWITCH: "false" }, (c) => c.killSwitch, false],
    ["kill switch 0 means off", { AFK_KILL_SWITCH: "0" }, (c) => c.killSwitch, false],
    ["kill switch True means on", { AFK_KILL_SWITCH: "True" }, (c) => c.killSwitch, true],
    ["kill switch 1 means on", { AFK_KILL_SWITCH: "1" }, (c) => c.killSwitch, true],
    [
      "allowlist is trimmed, lower-cased and de-duplicated",
      { AFK_ALLOWLIST: " Acme/Widgets , acme/widgets,foo-bar/x.js_y " },
      (c) => c.allowlist,
      ["acme/widgets", "foo-bar/x.js_y"],
    ],
    [
      "a status token turns the status page on, kept as given",
      { AFK_STATUS_TOKEN: "a-status-token-of-24-char" },
      (c) => c.statusToken,
      "a-status-token-of-24-char",
    ],
    [
      "T3 base URL loses its trailing slashes",
      { T3_BASE_URL: "https://t3.example.com/api//" },
      (c) => c.t3.baseUrl,
      "https://t3.example.com/api",
    ],
    [
      "T3 token file replaces the token",
      { T3_TOKEN: undefined, T3_TOKEN_FILE: "/run/secrets/t3" },
      (c) => [c.t3.token, c.t3.tokenFile],
      [null, "/run/secrets/t3"],
    ],
    ["T3 token is trimmed", { T3_TOKEN: " tok \n" }, (c) => c.t3.token, "tok"],
    ["T3 instance id is a slug", { T3_INSTANCE_ID: "codex_2-b" }, (c) => c.t3.instanceId, "codex_2-b"],
    [
      "T3 model takes provider-style names",
      { T3_MODEL: "openai/gpt-5.1-codex" },
      (c) => c.t3.model,
      "openai/gpt-5.1-codex",
    ],
    [
      "workspace base loses its trailing slash",
      { T3_WORKSPACE_BASE: "/srv/work/" },
      (c) => c.t3.workspaceBase,
      "/srv/work",
    ],
    [
      "runtime mode approval-required",
      { T3_RUNTIME_MODE: "approval-required" },
      (c) => c.t3.runtimeMode,
      "approval-required",
    ],
    [
      "runtime mode auto-accept-edits",
      { T3_RUNTIME_MODE: "auto-accept-edits" },
      (c) => c.t3.runtimeMode,
      "auto-accept-edits",
    ],
    ["runtime mode auto", { T3_RUNTIME_MODE: "auto" }, (c) => c.t3.runtimeMode, "auto"],
    [
      "labels are configurable",
      {
        AFK_LABEL_READY: "go",
        AFK_LABEL_IN_PROGRESS: "going",
        AFK_LABEL_HUMAN: "help",
        AFK_PRIORITY_LABEL_PREFIX: "P",
      },
      (c) => c.labels,
      { ready: "go", inProgress: "going", human: "help", priorityPrefix: "P" },
    ],
    [
      "a label of 50 characters is accepted",
      { AFK_LABEL_READY: "x".repeat(50) },
      (c) => c.labels.ready,
      "x".repeat(50),
    ],
    [
      "trusted roles are lower-cased and de-duplicated",
      { AFK_TRUSTED_ROLES: "Admin, triage,admin" },
      (c) => c.trustedRoles,
      ["admin", "triage"],
    ],
    [
      "trusted bots carry login and id",
      { AFK_TRUSTED_BOTS: "renovate[bot]:29139614, dependabot[bot]:49699333,renovate[bot]:29139614" },
      (c) => c.trustedBots,
      [
        { login: "renovate[bot]", id: 29139614 },
        { login: "dependabot[bot]", id: 49699333 },
      ],
    ],
    ["max concurrent runs at its minimum", { AFK_MAX_CONCURRENT_RUNS: "1" }, (c) => c.maxConcurrentRuns, 1],
    ["max concurrent runs at its maximum", { AFK_MAX_CONCURRENT_RUNS: "100" }, (c) => c.maxConcurrentRuns, 100],
    ["default priority at its minimum", { AFK_DEFAULT_PRIORITY: "0" }, (c) => c.defaultPriority, 0],
    ["default priority at its maximum", { AFK_DEFAULT_PRIORITY: "1000" }, (c) => c.defaultPriority, 1000],
    ["fix-forward turns may be zero", { AFK_FIX_FORWARD_TURNS: "0" }, (c) => c.budgets.fixForwardTurns, 0],
    ["fix-forward turns at its maximum", { AFK_FIX_FORWARD_TURNS: "20" }, (c) => c.budgets.fixForwardTurns, 20],
    ["run budget minutes become ms", { AFK_RUN_BUDGET_MINUTES: "10080" }, (c) => c.budgets.runMs, 10_080 * MINUTE_MS],
    ["CI timeout minutes become ms", { AFK_CI_TIMEOUT_MINUTES: "1" }, (c) => c.budgets.ciMs, MINUTE_MS],
    ["CI no-checks minutes become ms", { AFK_CI_NO_CHECKS_MINUTES: "5" }, (c) => c.budgets.ciNoChecksMs, 5 * MINUTE_MS],
    [
      "deploy timeout minutes become ms",
      { AFK_DEPLOY_TIMEOUT_MINUTES: "45" },
      (c) => c.budgets.deployMs,
      45 * MINUTE_MS,
    ],
    [
      "deploy blocked minutes become ms",
      { AFK_DEPLOY_BLOCKED_MINUTES: "120" },
      (c) => c.budgets.deployBlockedMs,
      120 * MINUTE_MS,
    ],
    [
      "rollout timeout minutes become ms",
      { AFK_ROLLOUT_TIMEOUT_MINUTES: "7" },
      (c) => c.budgets.rolloutMs,
      7 * MINUTE_MS,
    ],
    [
      "sweep interval seconds become ms (minimum)",
      { AFK_SWEEP_INTERVAL_SECONDS: "10" },
      (c) => c.sweepIntervalMs,
      10_000,
    ],
    [
      "sweep interval seconds become ms (maximum)",
      { AFK_SWEEP_INTERVAL_SECONDS: "3600" },
      (c) => c.sweepIntervalMs,
      3_600_000,
    ],
    [
      "Woodpecker needs URL and token",
      { WOODPECKER_URL: "https://ci.example.com/", WOODPECKER_TOKEN: "wp" },
      (c) => c.woodpecker,
      { url: "https://ci.example.com", token: "wp" },
    ],
    [
      "Slack with the three required is configured, with defaults",
      SLACK,
      (c) => c.slack,
      {
        botToken: "xoxb-1",
        signingSecret: "sig",
        channel: "C0123456789",
        allowedUsers: [],
        apiUrl: null,
        announceShipped: false,
      },
    ],
    [
      "Slack takes allowed users, an API URL and shipped announcements",
      {
        ...SLACK,
        SLACK_ALLOWED_USERS: "U012AB, W999ZZ,U012AB",
        SLACK_API_URL: "http://slack.test/api/",
        AFK_SLACK_ANNOUNCE_SHIPPED: "on",
      },
      (c) => c.slack,
      {
        botToken: "xoxb-1",
        signingSecret: "sig",
        channel: "C0123456789",
        allowedUsers: ["U012AB", "W999ZZ"],
        apiUrl: "http://slack.test/api",
        announceShipped: true,
      },
    ],
    [
      "a Slack channel name is accepted",
      { ...SLACK, SLACK_CHANNEL: "#afk-doorbell" },
      (c) => c.slack?.channel,
      "#afk-doorbell",
    ],
    [
      "kube token and CA files are configurable",
      { AFK_KUBE_TOKEN_FILE: "/t", AFK_KUBE_CA_FILE: "/ca" },
      (c) => [c.kube.tokenFile, c.kube.caFile],
      ["/t", "/ca"],
    ],
    [
      "the config file variable is accepted in the environment",
      { AFK_CONFIG_FILE: "afk.yaml" },
      (c) => c.killSwitch,
      false,
    ],
  ])("%s", (_name, env, select, expected) => {
    expect(select(parseOk(anArmedEnv(env)))).toEqual(expected);
  });
});

describe("parseOperatorConfig bad values", () => {
  it.each<[VariableName, string, RegExp]>([
    ["AFK_KILL_SWITCH", "maybe", /neither on nor off/],
    ["AFK_KILL_SWITCH", "offf", /neither on nor off/],
    ["AFK_ALLOWLIST", "acme/widgets, not-a-repo", /"not-a-repo" is not an owner\/name/],
    ["AFK_ALLOWLIST", "-acme/widgets", /"-acme\/widgets"/],
    ["AFK_ALLOWLIST", "acme/../x", /not an owner\/name/],
    ["AFK_ALLOWLIST", "acme/..", /not an owner\/name/],
    ["AFK_ALLOWLIST", "acme/wid gets", /not an owner\/name/],
    ["T3_BASE_URL", "t3.example.com", /not an http\(s\) URL/],
    ["T3_BASE_URL", "ftp://t3.example.com", /not an http\(s\) URL/],
    ["T3_TOKEN_FILE", "secrets/t3", /not an absolute path/],
    ["T3_INSTANCE_ID", "claude agent", /not a slug/],
    ["T3_MODEL", "-model", /not a model name/],
    ["T3_WORKSPACE_BASE", "workspace", /not an absolute path/],
    ["T3_WORKSPACE_BASE", "///", /root directory/],
    ["T3_RUNTIME_MODE", "yolo", /not a runtime mode/],
    ["AFK_LABEL_READY", "a,b", /comma/],
    ["AFK_LABEL_IN_PROGRESS", "x".repeat(51), /longer than 50/],
    ["AFK_PRIORITY_LABEL_PREFIX", "p,", /comma/],
    ["AFK_TRUSTED_ROLES", "admin,read", /"read" is never trusted/],
    ["AFK_TRUSTED_ROLES", "none", /"none" is never trusted/],
    ["AFK_TRUSTED_ROLES", "owner", /"owner" is not a repository role/],
    ["AFK_TRUSTED_BOTS", "renovate[bot]", /"renovate\[bot\]" is not login:id/],
    ["AFK_TRUSTED_BOTS", "renovate[bot]:abc", /not login:id/],
    ["AFK_TRUSTED_BOTS", ":29139614", /not login:id/],
    ["AFK_TRUSTED_BOTS", "bot:0", /not login:id/],
    ["AFK_MAX_CONCURRENT_RUNS", "0", /below the minimum 1/],
    ["AFK_MAX_CONCURRENT_RUNS", "101", /above the maximum 100/],
    ["AFK_MAX_CONCURRENT_RUNS", "2.5", /not a whole number/],
    ["AFK_DEFAULT_PRIORITY", "-1", /not a whole number/],
    ["AFK_DEFAULT_PRIORITY", "1001", /above the maximum 1000/],
    ["AFK_FIX_FORWARD_TURNS", "21", /above the maximum 20/],
    ["AFK_RUN_BUDGET_MINUTES", "0", /below the minimum 1/],
    ["AFK_CI_TIMEOUT_MINUTES", "10081", /above the maximum 10080/],
    ["AFK_CI_NO_CHECKS_MINUTES", "1e3", /not a whole number/],
    ["AFK_DEPLOY_TIMEOUT_MINUTES", "thirty", /not a whole number/],
    ["AFK_DEPLOY_BLOCKED_MINUTES", "99999999999999999999", /above the maximum/],
    ["AFK_ROLLOUT_TIMEOUT_MINUTES", "0x10", /not a whole number/],
    ["AFK_SWEEP_INTERVAL_SECONDS", "abc", /not a whole number/],
    ["AFK_SWEEP_INTERVAL_SECONDS", "9", /below the minimum 10/],
    ["WOODPECKER_URL", "ci.example.com", /not an http\(s\) URL/],
    ["SLACK_CHANNEL", "my channel", /not a channel id or name/],
    ["SLACK_ALLOWED_USERS", "U012AB,u0lower", /"u0lower" is not a Slack user id/],
    ["SLACK_ALLOWED_USERS", "B0123", /"B0123" is not a Slack user id/],
    ["SLACK_API_URL", "slack.com/api", /not an http\(s\) URL/],
    ["AFK_SLACK_ANNOUNCE_SHIPPED", "yes", /neither on nor off/],
    ["AFK_KUBE_API_URL", "kubernetes.default.svc", /not an http\(s\) URL/],
    ["KUBERNETES_SERVICE_HOST", "a b", /not a host name or IP address/],
    ["KUBERNETES_SERVICE_PORT", "65536", /above the maximum 65535/],
    ["AFK_KUBE_TOKEN_FILE", "token", /not an absolute path/],
    ["AFK_KUBE_CA_FILE", "ca.crt", /not an absolute path/],
    ["AFK_STATUS_TOKEN", "short-token", /shorter than 16 characters/],
  ])("%s=%j is refused, naming the variable and the accepted form", (name, value, problem) => {
    const env = anArmedEnv(
      name.startsWith("SLACK_") || name === "AFK_SLACK_ANNOUNCE_SHIPPED"
        ? { ...SLACK, [name]: value }
        : { [name]: value },
    );
    const errors = errorsFor(name, env);
    expect(errors.map((error) => error.problem)).toContainEqual(expect.stringMatching(problem));
    expect(errors[0]).toMatchObject({
      value: FIELDS[name].secret === true ? expect.any(String) : value,
      accepted: FIELDS[name].accepted,
    });
    expect(formatConfigErrors(errors)).toContain(`${name}=`);
  });

  it("labels must be distinct, ignoring case", () => {
    const errors = parseErrors({ AFK_LABEL_HUMAN: "Ready-For-Agent" });
    expect(errors).toEqual([
      expect.objectContaining({
        variable: "AFK_LABEL_HUMAN",
        value: "Ready-For-Agent",
        problem: "the same label as AFK_LABEL_READY",
      }),
    ]);
  });

  it("a label whose default collides with another's value is reported unset", () => {
    expect(parseErrors({ AFK_LABEL_READY: "afk:in-progress" })).toEqual([
      expect.objectContaining({ variable: "AFK_LABEL_IN_PROGRESS", value: null }),
    ]);
  });

  it("a malformed label is not also reported as a duplicate", () => {
    expect(
      parseErrors({ AFK_LABEL_READY: "ready-for-human,x", AFK_LABEL_HUMAN: "ready-for-human" }).map((e) => e.variable),
    ).toEqual(["AFK_LABEL_READY"]);
  });

  it("collects every error in one pass", () => {
    const errors = parseErrors({
      AFK_KILL_SWITCH: "maybe",
      AFK_MAX_CONCURRENT_RUNS: "0",
      AFK_TRUSTED_ROLES: "read,owner",
      WOODPECKER_TOKEN: "wp",
      AFK_KILLSWITCH: "on",
    });
    expect(errors.map((error) => error.variable).sort()).toEqual([
      "AFK_KILLSWITCH",
      "AFK_KILL_SWITCH",
      "AFK_MAX_CONCURRENT_RUNS",
      "AFK_TRUSTED_ROLES",
      "AFK_TRUSTED_ROLES",
      "WOODPECKER_URL",
    ]);
  });
});

describe("parseOperatorConfig secrets", () => {
  it.each(SECRETS)("%s is never echoed in an error, only its length", (name) => {
    const secret = "S3CR3T value";
    const env = { ...anArmedEnv(), ...SLACK, WOODPECKER_URL: "http://ci.test", WOODPECKER_TOKEN: "wp", [name]: secret };
    const errors = errorsFor(name, env);
    expect(errors).toEqual([
      expect.objectContaining({ value: "(secret, 12 characters)", problem: "contains whitespace" }),
    ]);
    expect(formatConfigErrors(errors)).toBe(
      `${name}=(secret, 12 characters): contains whitespace; accepted: ${FIELDS[name].accepted}`,
    );
  });

  it.each(SECRETS)("%s given a non-text value in the file is not echoed either", (name) => {
    const errors = errorsFor(name, {}, { [name]: ["S3CR3T"] });
    expect(errors).toEqual([expect.objectContaining({ value: "(secret, 6 characters)" })]);
  });

  it("a misspelt variable's value is hidden, since it may be a secret", () => {
    const errors = parseErrors({ AFK_T3_TOKEN: "S3CR3T" }, { SLACK_BOT_TOKN: "S3CR3T-too" });
    expect(errors.map((error) => error.value)).toEqual(["(hidden, 6 characters)", "(hidden, 10 characters)"]);
    expect(formatConfigErrors(errors)).not.toContain("S3CR3T");
  });

  it("no secret text ever reaches the formatted errors", () => {
    const arbSecret = fc
      .tuple(fc.string({ maxLength: 20 }), fc.string({ maxLength: 20 }))
      .map(([a, b]) => `S3CR3T${a} ${b}X`);
    fc.assert(
      fc.property(fc.constantFrom(...SECRETS), arbSecret, (name, secret) => {
        const env = {
          ...anArmedEnv(),
          ...SLACK,
          WOODPECKER_URL: "http://ci.test",
          WOODPECKER_TOKEN: "wp",
          [name]: secret,
          AFK_KILL_SWITCH: "maybe",
        };
        const result = parseOperatorConfig(env, { [name]: secret, T3_TOKEN_FILE: "/t3" });
        expect(result.ok).toBe(false);
        if (!result.ok) expect(formatConfigErrors(result.errors)).not.toContain("S3CR3T");
      }),
      { numRuns: 300 },
    );
  });
});

describe("parseOperatorConfig groups", () => {
  it("arming without T3 names both missing variables", () => {
    const errors = parseErrors({ AFK_KILL_SWITCH: "off" });
    expect(errors.map((error) => [error.variable, error.value])).toEqual([
      ["T3_BASE_URL", null],
      ["T3_TOKEN", null],
    ]);
    expect(errors[1]?.problem).toContain("T3_TOKEN_FILE");
  });

  it("a malformed kill switch is reported once and does not arm afk", () => {
    expect(parseErrors({ AFK_KILL_SWITCH: "offf" }).map((error) => error.variable)).toEqual(["AFK_KILL_SWITCH"]);
  });

  it("a disarmed afk needs no T3", () => {
    expect(parseOk({ AFK_ALLOWLIST: "acme/widgets" }).t3.baseUrl).toBeNull();
  });

  it("T3_TOKEN and T3_TOKEN_FILE together are refused: set one", () => {
    expect(errorsFor("T3_TOKEN_FILE", anArmedEnv({ T3_TOKEN_FILE: "/run/t3" }))).toEqual([
      {
        variable: "T3_TOKEN_FILE",
        value: "/run/t3",
        problem: "set together with T3_TOKEN",
        accepted: "set one of T3_TOKEN or T3_TOKEN_FILE",
      },
    ]);
  });

  it.each<[string, Env, string[]]>([
    ["Woodpecker URL without token", { WOODPECKER_URL: "http://ci.test" }, ["WOODPECKER_TOKEN"]],
    ["Woodpecker token without URL", { WOODPECKER_TOKEN: "wp" }, ["WOODPECKER_URL"]],
    [
      "a malformed Woodpecker URL still counts as set",
      { WOODPECKER_URL: "ci", WOODPECKER_TOKEN: undefined },
      ["WOODPECKER_URL", "WOODPECKER_TOKEN"],
    ],
    ["Slack token alone", { SLACK_BOT_TOKEN: "x" }, ["SLACK_SIGNING_SECRET", "SLACK_CHANNEL"]],
    ["Slack secret alone", { SLACK_SIGNING_SECRET: "x" }, ["SLACK_BOT_TOKEN", "SLACK_CHANNEL"]],
    ["Slack without a channel", { SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "y" }, ["SLACK_CHANNEL"]],
    ["Slack allowed users without Slack", { SLACK_ALLOWED_USERS: "U0123" }, ["SLACK_ALLOWED_USERS"]],
    ["a Slack API URL without Slack", { SLACK_API_URL: "http://slack.test" }, ["SLACK_API_URL"]],
    ["shipped announcements without Slack", { AFK_SLACK_ANNOUNCE_SHIPPED: "on" }, ["AFK_SLACK_ANNOUNCE_SHIPPED"]],
  ])("%s is refused, naming what is wrong", (_name, env, variables) => {
    expect(parseErrors(anArmedEnv(env)).map((error) => error.variable)).toEqual(variables);
  });

  it("a missing member of a group names the members that are set", () => {
    expect(errorsFor("SLACK_CHANNEL", { SLACK_BOT_TOKEN: "x", SLACK_SIGNING_SECRET: "y" })).toEqual([
      {
        variable: "SLACK_CHANNEL",
        value: null,
        problem: "missing: SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are set",
        accepted: "set all of SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_CHANNEL, or none",
      },
    ]);
  });

  it("announcements explicitly off need no Slack", () => {
    expect(parseOk({ AFK_SLACK_ANNOUNCE_SHIPPED: "off" }).slack).toBeNull();
  });
});

describe("parseOperatorConfig Kubernetes API URL", () => {
  it.each<[string, Env, string | null]>([
    ["none outside a pod", {}, null],
    [
      "in a pod: host and port",
      { KUBERNETES_SERVICE_HOST: "10.96.0.1", KUBERNETES_SERVICE_PORT: "6443" },
      "https://10.96.0.1:6443",
    ],
    [
      "in a pod: port defaults to 443",
      { KUBERNETES_SERVICE_HOST: "kubernetes.default.svc" },
      "https://kubernetes.default.svc:443",
    ],
    [
      "an IPv6 host is bracketed",
      { KUBERNETES_SERVICE_HOST: "fd00:10:96::1", KUBERNETES_SERVICE_PORT: "443" },
      "https://[fd00:10:96::1]:443",
    ],
    ["an already bracketed IPv6 host is kept", { KUBERNETES_SERVICE_HOST: "[::1]" }, "https://[::1]:443"],
    ["a port without a host gives nothing", { KUBERNETES_SERVICE_PORT: "443" }, null],
    [
      "the override wins over the pod's variables",
      { AFK_KUBE_API_URL: "https://k8s.example.com:8443/", KUBERNETES_SERVICE_HOST: "10.96.0.1" },
      "https://k8s.example.com:8443",
    ],
  ])("%s", (_name, env, apiUrl) => {
    expect(parseOk(env).kube.apiUrl).toBe(apiUrl);
  });
});

describe("parseOperatorConfig unknown variables", () => {
  it.each<[string, string]>([
    ["AFK_KILLSWITCH", "unknown variable; did you mean AFK_KILL_SWITCH?"],
    ["AFK_SWEEP_INTERVAL_SECOND", "unknown variable; did you mean AFK_SWEEP_INTERVAL_SECONDS?"],
    ["afk_allowlist", "unknown variable; did you mean AFK_ALLOWLIST?"],
    ["t3_token", "unknown variable; did you mean T3_TOKEN?"],
    ["AFK_SOMETHING_ELSE_ENTIRELY", "unknown variable"],
  ])("%s in the environment is an error", (name, problem) => {
    expect(parseErrors({ [name]: "x" })).toEqual([
      { variable: name, value: "(hidden, 1 character)", problem, accepted: expect.stringContaining("README") },
    ]);
  });

  it("an unknown variable that is empty or undefined counts as unset", () => {
    expect(parseOk({ AFK_TYPO: "", AFK_OTHER_TYPO: undefined })).toEqual(parseOk({}));
  });

  it("a misspelt list in the file is hidden like any unknown value", () => {
    expect(parseErrors({}, { AFK_ALLOW_LIST: ["a/b", "c/d"] })).toEqual([
      expect.objectContaining({
        value: "(hidden, 7 characters)",
        problem: "unknown variable; did you mean AFK_ALLOWLIST?",
      }),
    ]);
  });

  it("other programs' variables in the environment are none of afk's business", () => {
    expect(
      parseOk({
        PATH: "/bin",
        HOME: "/root",
        SLACK_APP_TOKEN: "x",
        T3_OTHER: "y",
        KUBERNETES_SERVICE_PORT_HTTPS: "443",
        APP_ID: "1",
      }),
    ).toEqual(parseOk({}));
  });

  it("an unknown key in the file is an error, with a suggestion", () => {
    expect(parseErrors({}, { AFK_MAX_CONCURENT_RUNS: 3, whatever: true })).toEqual([
      expect.objectContaining({
        variable: "AFK_MAX_CONCURENT_RUNS",
        problem: "unknown variable; did you mean AFK_MAX_CONCURRENT_RUNS?",
      }),
      expect.objectContaining({ variable: "whatever", problem: "unknown variable" }),
    ]);
  });

  it.each(PROBOT_VARIABLES)("Probot's %s is accepted in the file", (name) => {
    expect(parseOk({}, { [name]: "x" })).toEqual(parseOk({}));
  });

  it("AFK_CONFIG_FILE is read from the environment only", () => {
    expect(errorsFor("AFK_CONFIG_FILE", {}, { AFK_CONFIG_FILE: "/etc/afk.yml" })).toEqual([
      expect.objectContaining({ value: "/etc/afk.yml", problem: "only read from the environment, not from the file" }),
    ]);
  });
});

describe("parseOperatorConfig file", () => {
  it("environment values override file values", () => {
    const config = parseOk({ AFK_MAX_CONCURRENT_RUNS: "7" }, { AFK_MAX_CONCURRENT_RUNS: 5, AFK_DEFAULT_PRIORITY: 9 });
    expect([config.maxConcurrentRuns, config.defaultPriority]).toEqual([7, 9]);
  });

  it("an empty environment value falls back to the file", () => {
    expect(parseOk({ AFK_MAX_CONCURRENT_RUNS: "" }, { AFK_MAX_CONCURRENT_RUNS: 5 }).maxConcurrentRuns).toBe(5);
  });

  it.each<[string, FileValues, (config: OperatorConfig) => unknown, unknown]>([
    ["numbers", { AFK_SWEEP_INTERVAL_SECONDS: 30 }, (c) => c.sweepIntervalMs, 30_000],
    ["booleans", { AFK_KILL_SWITCH: false, T3_BASE_URL: "http://t3.test", T3_TOKEN: "t" }, (c) => c.killSwitch, false],
    ["big integers", { AFK_DEFAULT_PRIORITY: 5n }, (c) => c.defaultPriority, 5],
    [
      "arrays for list variables",
      { AFK_ALLOWLIST: ["Acme/Widgets", " acme/gears ", ""] },
      (c) => c.allowlist,
      ["acme/widgets", "acme/gears"],
    ],
    [
      "comma text for list variables",
      { AFK_TRUSTED_ROLES: "admin, triage" },
      (c) => c.trustedRoles,
      ["admin", "triage"],
    ],
    ["null as unset", { AFK_MAX_CONCURRENT_RUNS: null, AFK_LABEL_READY: undefined }, (c) => c.maxConcurrentRuns, 3],
    ["an empty array as unset", { AFK_TRUSTED_ROLES: [] }, (c) => c.trustedRoles, ["admin", "maintain", "write"]],
    ["blank text as unset", { AFK_LABEL_READY: "  " }, (c) => c.labels.ready, "ready-for-agent"],
  ])("the file accepts %s", (_name, file, select, expected) => {
    expect(select(parseOk({}, file))).toEqual(expected);
  });

  it.each<[string, FileValues, string, string | null]>([
    [
      "a list for a single-value variable",
      { AFK_LABEL_READY: ["a", "b"] },
      "a list, but this variable takes a single value",
      "a,b",
    ],
    [
      "list items that are not text",
      { AFK_ALLOWLIST: ["acme/widgets", 3] },
      "a list whose items are not all text",
      "(a list)",
    ],
    [
      "a mapping",
      { AFK_MAX_CONCURRENT_RUNS: { value: 3 } },
      "neither text, a number, a boolean nor a list",
      "(a mapping)",
    ],
    ["a number out of range", { AFK_MAX_CONCURRENT_RUNS: 1.5 }, "not a whole number", "1.5"],
  ])("the file refuses %s", (_name, file, problem, value) => {
    const [name] = Object.keys(file);
    expect(errorsFor(name ?? "", {}, file)).toEqual([expect.objectContaining({ problem, value })]);
  });
});

describe("CONFIG_VARIABLES", () => {
  it("lists every variable the parser reads, once, and nothing else", () => {
    const names = CONFIG_VARIABLES.map((variable) => variable.name);
    expect(names).toEqual(VARIABLE_NAMES);
    expect(new Set(names).size).toBe(names.length);
  });

  it.each(CONFIG_VARIABLES.map((variable) => variable.name))("the parser reads %s", (name) => {
    expect(errorsFor(name, {}, { [name]: { not: "a value" } })).toHaveLength(1);
  });

  it("marks exactly the five secrets", () => {
    expect(CONFIG_VARIABLES.filter((variable) => variable.secret === true).map((variable) => variable.name)).toEqual([
      ...SECRETS,
    ]);
  });

  it("gives every variable a meaning, and every error an accepted form", () => {
    for (const variable of CONFIG_VARIABLES) {
      expect(variable.meaning.length, variable.name).toBeGreaterThan(10);
      expect(FIELDS[variable.name].accepted.length, variable.name).toBeGreaterThan(3);
    }
  });

  it("excludes Probot's own variables", () => {
    const names: readonly string[] = VARIABLE_NAMES;
    expect(PROBOT_VARIABLES.filter((name) => names.includes(name))).toEqual([]);
  });
});

describe("formatConfigErrors", () => {
  it("prints one line per error naming the variable, the problem and the accepted form", () => {
    const errors = parseErrors({ AFK_SWEEP_INTERVAL_SECONDS: "abc", WOODPECKER_URL: "http://ci.test" });
    expect(formatConfigErrors(errors)).toBe(
      [
        'AFK_SWEEP_INTERVAL_SECONDS="abc": not a whole number; accepted: a whole number of seconds from 10 to 3600',
        "WOODPECKER_TOKEN (unset): missing: WOODPECKER_URL is set; accepted: set all of WOODPECKER_URL, WOODPECKER_TOKEN, or none",
      ].join("\n"),
    );
  });

  it("bounds a long value", () => {
    const [error] = parseErrors({ AFK_LABEL_READY: "x".repeat(500) });
    expect(error?.value).toHaveLength(200);
  });

  it("prints values in words without quotes", () => {
    expect(formatConfigErrors([{ variable: "X", value: "(a mapping)", problem: "p", accepted: "a" }])).toBe(
      "X=(a mapping): p; accepted: a",
    );
  });
});

describe("toClosestName", () => {
  it("suggests nothing when no name is close, or there are none", () => {
    expect(toClosestName("AFK_ZZZZZZZZZZZZ", ["AFK_KILL_SWITCH"])).toBeNull();
    expect(toClosestName("AFK_X", [])).toBeNull();
  });

  it("falls back to the longest known name the misspelt one extends", () => {
    expect(toClosestName("WOODPECKER_URL_AND_MORE", ["WOODPECKER", "WOODPECKER_URL"])).toBe("WOODPECKER_URL");
  });

  it("edit distance is a metric: zero only for equal text, and symmetric", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 }), (a, b) => {
        expect(toEditDistance(a, b)).toBe(toEditDistance(b, a));
        expect(toEditDistance(a, b) === 0).toBe(a === b);
        expect(toEditDistance(a, b)).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
      { numRuns: 300 },
    );
  });
});

// The operator's variables (DESIGN section 9), in the order the README table shows them.
// Names are fixed and case-sensitive. The parser knows exactly the names in this table,
// so a variable cannot be read without being documented, and a name not in it is a typo.

import { z } from "zod";
import type { RuntimeMode } from "./config-types.js";
import { listField, textField, type FieldValue } from "./config-field.js";
import * as v from "./config-values.js";

const RUNTIME_MODES = [
  "approval-required",
  "auto-accept-edits",
  "auto",
  "full-access",
] as const satisfies readonly RuntimeMode[];
const ON_OFF = "on or off (also true/false, 1/0)";
const MINUTES = "a whole number of minutes from 1 to 10080 (one week)";
const LABEL = "a label name of at most 50 characters, without commas";
const ABSOLUTE_PATH = "an absolute path";
const HTTP_URL = "an http(s) URL";
const SERVICE_ACCOUNT = "/var/run/secrets/kubernetes.io/serviceaccount";

const minutes = (fallback: string, meaning: string) =>
  textField({ schema: v.wholeNumberText(1, 10_080), fallback, meaning, accepted: MINUTES });
const label = (fallback: string, meaning: string) =>
  textField({ schema: v.labelName, fallback, meaning, accepted: LABEL });
const secret = (meaning: string, accepted: string) =>
  textField({ schema: v.secretText, fallback: null, secret: true, meaning, accepted });

export const FIELDS = {
  AFK_KILL_SWITCH: textField({
    schema: v.onOffText,
    fallback: "on",
    accepted: ON_OFF,
    meaning: "on: afk is disarmed and does no outbound I/O; off: afk dispatches",
  }),
  AFK_ALLOWLIST: listField({
    schema: v.listOf(v.ownerRepo.transform((repo) => repo.toLowerCase())),
    fallback: "",
    accepted: "comma-separated owner/name",
    meaning: "the enrolled repositories; afk ignores every other",
  }),
  T3_BASE_URL: textField({
    schema: v.httpBaseUrl,
    fallback: null,
    accepted: HTTP_URL,
    meaning: "the T3 Code server; required to arm afk",
  }),
  T3_TOKEN: secret("T3's bearer token; required to arm afk unless T3_TOKEN_FILE is set", "a token without whitespace"),
  T3_TOKEN_FILE: textField({
    schema: v.absolutePath,
    fallback: null,
    accepted: ABSOLUTE_PATH,
    meaning: "a file holding T3's bearer token, re-read on every request",
  }),
  T3_INSTANCE_ID: textField({
    schema: v.slug,
    fallback: "claudeAgent",
    accepted: "a slug: letters, digits, _ and -, at most 64 characters",
    meaning: "the T3 provider instance that runs the agent",
  }),
  T3_MODEL: textField({
    schema: v.modelName,
    fallback: "claude-sonnet-4-5",
    accepted: "a model name: letters, digits and . _ : / @ -, at most 100 characters",
    meaning: "the model the agent runs",
  }),
  T3_WORKSPACE_BASE: textField({
    schema: v.absoluteDirectory,
    fallback: "/workspace",
    accepted: "an absolute path other than /",
    meaning: "the directory on the T3 host holding each repo's checkout at <base>/<owner>/<name>",
  }),
  T3_RUNTIME_MODE: textField({
    schema: z.enum(RUNTIME_MODES, { error: "not a runtime mode" }),
    fallback: "full-access",
    accepted: RUNTIME_MODES.join(", "),
    meaning: "how much the agent may do without asking",
  }),
  AFK_LABEL_READY: label("ready-for-agent", "the label a trusted person applies to hand an issue to the agent"),
  AFK_LABEL_IN_PROGRESS: label("afk:in-progress", "the label afk applies while a run is in flight (the repo lock)"),
  AFK_LABEL_HUMAN: label("ready-for-human", "the label afk applies when it calls a human"),
  AFK_PRIORITY_LABEL_PREFIX: label("priority:", "labels <prefix><N> order the queue, lowest N first"),
  AFK_TRUSTED_ROLES: listField({
    schema: v.listOf(v.trustedRole),
    fallback: "admin,maintain,write",
    accepted: `comma-separated roles from ${v.TRUSTABLE_ROLES_TEXT}`,
    meaning: "repository roles whose ready label is obeyed",
  }),
  AFK_TRUSTED_BOTS: listField({
    schema: v.listOf(v.trustedBot, (bot) => String(bot.id)),
    fallback: "",
    accepted: "comma-separated login:id, e.g. renovate[bot]:29139614",
    meaning: "bots whose ready label is obeyed, by login and numeric id",
  }),
  AFK_MAX_CONCURRENT_RUNS: textField({
    schema: v.wholeNumberText(1, 100),
    fallback: "3",
    accepted: "a whole number from 1 to 100",
    meaning: "runs in flight at once, across all repos",
  }),
  AFK_DEFAULT_PRIORITY: textField({
    schema: v.wholeNumberText(0, 1000),
    fallback: "100",
    accepted: "a whole number from 0 to 1000",
    meaning: "the priority of an issue without a priority label",
  }),
  AFK_FIX_FORWARD_TURNS: textField({
    schema: v.wholeNumberText(0, 20),
    fallback: "2",
    accepted: "a whole number from 0 to 20",
    meaning: "corrective turns for red CI, deploy or rollout before calling a human",
  }),
  AFK_RUN_BUDGET_MINUTES: minutes("240", "the whole run, from dispatch or from a human's answer"),
  AFK_CI_TIMEOUT_MINUTES: minutes("60", "CI pending for the pushed commit"),
  AFK_CI_NO_CHECKS_MINUTES: minutes("15", "no check or status at all for the pushed commit"),
  AFK_DEPLOY_TIMEOUT_MINUTES: minutes("30", "the deploy pipeline pending or running"),
  AFK_DEPLOY_BLOCKED_MINUTES: minutes("60", "the deploy pipeline waiting for approval"),
  AFK_ROLLOUT_TIMEOUT_MINUTES: minutes("20", "the rollout of the pushed commit"),
  AFK_SWEEP_INTERVAL_SECONDS: textField({
    schema: v.wholeNumberText(10, 3600),
    fallback: "60",
    accepted: "a whole number of seconds from 10 to 3600",
    meaning: "how often the reconciling sweep runs",
  }),
  WOODPECKER_URL: textField({
    schema: v.httpBaseUrl,
    fallback: null,
    accepted: "an http(s) URL, set together with WOODPECKER_TOKEN",
    meaning: "the Woodpecker server, for the deploy stage",
  }),
  WOODPECKER_TOKEN: secret("Woodpecker's API token", "a token without whitespace, set together with WOODPECKER_URL"),
  SLACK_BOT_TOKEN: secret(
    "the Slack bot token, for the doorbell",
    "a token without whitespace, set with SLACK_SIGNING_SECRET and SLACK_CHANNEL",
  ),
  SLACK_SIGNING_SECRET: secret(
    "verifies requests from Slack",
    "a secret without whitespace, set with SLACK_BOT_TOKEN and SLACK_CHANNEL",
  ),
  SLACK_CHANNEL: textField({
    schema: v.slackChannel,
    fallback: null,
    accepted: "a channel id such as C0123456789, set with SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET",
    meaning: "the channel the doorbell rings in",
  }),
  SLACK_ALLOWED_USERS: listField({
    schema: v.listOf(v.slackUserId),
    fallback: "",
    accepted: "comma-separated Slack user ids such as U0123ABCD or W0123ABCD",
    meaning: "Slack users whose replies are relayed to the agent",
  }),
  SLACK_API_URL: textField({
    schema: v.httpBaseUrl,
    fallback: null,
    shownDefault: "https://slack.com/api",
    accepted: HTTP_URL,
    meaning: "the Slack Web API base URL (tests, proxies)",
  }),
  AFK_SLACK_ANNOUNCE_SHIPPED: textField({
    schema: v.onOffText,
    fallback: "off",
    accepted: ON_OFF,
    meaning: "also post to the channel when a run ships",
  }),
  AFK_KUBE_API_URL: textField({
    schema: v.httpBaseUrl,
    fallback: null,
    shownDefault: "https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT",
    accepted: HTTP_URL,
    meaning: "the Kubernetes API, for rollout reads",
  }),
  KUBERNETES_SERVICE_HOST: textField({
    schema: v.urlHost,
    fallback: null,
    accepted: "a host name, IPv4 or IPv6 address",
    meaning: "set by Kubernetes inside a pod; gives the API URL",
  }),
  KUBERNETES_SERVICE_PORT: textField({
    schema: v.wholeNumberText(1, 65_535),
    fallback: "443",
    accepted: "a port number from 1 to 65535",
    meaning: "set by Kubernetes inside a pod",
  }),
  AFK_KUBE_TOKEN_FILE: textField({
    schema: v.absolutePath,
    fallback: `${SERVICE_ACCOUNT}/token`,
    accepted: ABSOLUTE_PATH,
    meaning: "the service account token, re-read as it rotates",
  }),
  AFK_KUBE_CA_FILE: textField({
    schema: v.absolutePath,
    fallback: `${SERVICE_ACCOUNT}/ca.crt`,
    accepted: ABSOLUTE_PATH,
    meaning: "the CA bundle of the Kubernetes API",
  }),
  AFK_STATUS_TOKEN: textField({
    schema: v.statusToken,
    fallback: null,
    secret: true,
    accepted: `a token of at least ${v.STATUS_TOKEN_MIN_CHARS} characters without whitespace`,
    meaning: "turns on the status page (/status, /status.json) and is the token that opens it",
  }),
  // The shell reads this one to find the file; the parser only vets where it is given.
  AFK_CONFIG_FILE: textField({
    schema: z.string(),
    fallback: null,
    envOnly: true,
    accepted: "a path, in the environment only",
    meaning: "a JSON or YAML file with these same keys; environment values win",
  }),
};

export type VariableName = keyof typeof FIELDS;
export type VariableValues = { -readonly [K in VariableName]: FieldValue<(typeof FIELDS)[K]> };

export interface ConfigVariable {
  readonly name: VariableName;
  /** The default as the README shows it; empty when there is none. */
  readonly default: string;
  readonly meaning: string;
  readonly secret?: boolean;
}

export const VARIABLE_NAMES = Object.keys(FIELDS) as readonly VariableName[];

export const CONFIG_VARIABLES: readonly ConfigVariable[] = VARIABLE_NAMES.map((name) => {
  const field = FIELDS[name];
  const secret = "secret" in field && field.secret === true;
  const shown = "shownDefault" in field ? field.shownDefault : field.fallback;
  return { name, default: shown ?? "", meaning: field.meaning, ...(secret ? { secret } : {}) };
});

/** Probot's own variables: Probot reads them, afk does not, and they are never typos. */
export const PROBOT_VARIABLES = [
  "APP_ID",
  "PRIVATE_KEY",
  "PRIVATE_KEY_PATH",
  "WEBHOOK_SECRET",
  "WEBHOOK_PROXY_URL",
  "WEBHOOK_PATH",
  "GHE_HOST",
  "GHE_PROTOCOL",
  "LOG_LEVEL",
  "LOG_FORMAT",
  "LOG_LEVEL_IN_STRING",
  "SENTRY_DSN",
  "REDIS_URL",
  "HOST",
  "PORT",
] as const;

export function isVariableName(name: string): name is VariableName {
  return Object.hasOwn(FIELDS, name);
}

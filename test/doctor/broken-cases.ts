// The doctor's broken worlds: each case breaks one thing in an intact world (a fake, or
// the operator's environment) and names the one ✗ line, with its fix, that it must cause,
// and how many checks cannot run because of it (–).

import { generateKeyPairSync } from "node:crypto";
import { FAKE_APP_GRANTS } from "../fakes/github-fake.js";
import { FAKE_SLACK_CHANNEL } from "../fakes/slack-api.js";
import { FAKE_T3_TOKEN, startFakeT3 } from "../fakes/t3-server.js";
import { toFreePort } from "../support/free-port.js";
import {
  ALICE,
  GADGETS,
  GADGETS_INSTALLATION,
  WIDGETS_INSTALLATION,
  type DoctorWorld,
  type WorldOptions,
} from "./doctor-world.js";

export interface BrokenCase {
  readonly name: string;
  readonly world?: WorldOptions;
  /** Breaks one thing; returns the environment to run with and what to close afterwards. */
  readonly breakIt: (world: DoctorWorld) => Promise<{ env?: Record<string, string>; close?: () => Promise<void> }>;
  readonly failed: string | RegExp;
  /** Checks that could not run because of it (–). */
  readonly notRun: number;
}

const allGrantsBut = (name: string): Record<string, string> =>
  Object.fromEntries(Object.entries(FAKE_APP_GRANTS.permissions).filter(([key]) => key !== name));

export const BROKEN_CASES: readonly BrokenCase[] = [
  {
    name: "a configuration value does not parse",
    breakIt: async (world) => ({ env: { ...world.env, AFK_MAX_CONCURRENT_RUNS: "lots" } }),
    failed:
      /^✗ the configuration is invalid: AFK_MAX_CONCURRENT_RUNS="lots": .+; accepted: .+\. Fix: give the variable named here an accepted value; npm start refuses to start with this same message\.$/,
    notRun: 1,
  },
  {
    name: "the app's private key is not the app's",
    breakIt: async (world) => {
      const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey.export({
        type: "pkcs1",
        format: "pem",
      });
      return { env: { ...world.env, PRIVATE_KEY: other.toString() } };
    },
    failed:
      "✗ the app does not authenticate: GitHub unauthorized (401): A JSON web token could not be decoded - https://docs.github.com/rest. Fix: set PRIVATE_KEY (or PRIVATE_KEY_PATH) to a current private key of app 4711, and APP_ID to that app's id.",
    notRun: 7,
  },
  {
    name: "the app's private key is damaged",
    breakIt: async (world) => ({
      env: { ...world.env, PRIVATE_KEY: "-----BEGIN RSA PRIVATE KEY-----\nbroken\n-----END RSA PRIVATE KEY-----" },
    }),
    failed:
      /^✗ the app cannot authenticate: the private key cannot be read \(.+\)\. Fix: set PRIVATE_KEY_PATH to the \.pem file generated under "Private keys" in the app's settings \(or PRIVATE_KEY to its contents\)\.$/,
    notRun: 7,
  },
  {
    name: "APP_ID is not set",
    breakIt: async (world) => ({ env: { ...world.env, APP_ID: "" } }),
    failed:
      '✗ the app cannot authenticate: APP_ID is not set. Fix: set APP_ID to the GitHub App\'s id (its settings page, "App ID").',
    notRun: 7,
  },
  {
    name: "the app is not installed on one repo",
    breakIt: async (world) => {
      world.github.addRepo({ fullName: GADGETS, ownerType: "Organization", installationId: null });
      return {};
    },
    failed:
      "✗ acme/gadgets: the app is not installed on it. Fix: install the app on acme/gadgets (the app's page on GitHub → Install, or Configure → Repository access).",
    notRun: 1,
  },
  {
    name: "the app's settings lack a permission app.yml asks for",
    breakIt: async (world) => {
      world.github.setAppGrants({ permissions: allGrantsBut("checks") });
      return {};
    },
    failed:
      "✗ the app's settings lack what app.yml asks for: permission checks: read (not granted). Fix: grant them in the GitHub App's settings (Permissions & events) and save; each installation must then accept the new permissions.",
    notRun: 0,
  },
  {
    name: "the app's settings lack an event app.yml asks for",
    breakIt: async (world) => {
      world.github.setAppGrants({ events: FAKE_APP_GRANTS.events.filter((event) => event !== "push") });
      return {};
    },
    failed:
      "✗ the app's settings lack what app.yml asks for: event push. Fix: grant them in the GitHub App's settings (Permissions & events) and save; each installation must then accept the new permissions.",
    notRun: 0,
  },
  {
    name: "an installation has not accepted a higher permission",
    breakIt: async (world) => {
      world.github.setInstallationGrants(WIDGETS_INSTALLATION, {
        permissions: { ...FAKE_APP_GRANTS.permissions, issues: "read" },
      });
      return {};
    },
    failed:
      "✗ acme/widgets: installation 4242 has not accepted permission issues: write (granted read). Fix: an owner of acme accepts the app's new permissions (the installation's settings on GitHub → Review request).",
    notRun: 0,
  },
  {
    name: "an installation has not accepted a new event",
    breakIt: async (world) => {
      world.github.setInstallationGrants(GADGETS_INSTALLATION, { events: ["issues"] });
      return {};
    },
    failed: /^✗ acme\/gadgets: installation 4343 has not accepted events workflow_run, check_run, status, push\. Fix: /,
    notRun: 0,
  },
  {
    name: "a repo's .github/afk.yml is invalid",
    breakIt: async (world) => {
      world.github.repo(GADGETS).files.set(".github/afk.yml", "budgets: { ci_minuts: 30 }\n");
      return {};
    },
    failed:
      /^✗ acme\/gadgets: \.github\/afk\.yml on main is invalid: budgets\.ci_minuts="30": unknown key; did you mean ci_minutes\?; accepted: one of .+\. Fix: correct \.github\/afk\.yml on the default branch of acme\/gadgets: each problem names its key and the accepted form\.$/,
    notRun: 0,
  },
  {
    name: "T3 does not answer",
    breakIt: async (world) => ({ env: { ...world.env, T3_BASE_URL: `http://127.0.0.1:${await toFreePort()}` } }),
    failed:
      /^✗ T3 does not answer: T3 transient \(ECONNREFUSED\): GET \/\.well-known\/t3\/environment: network error ECONNREFUSED: .+\. Fix: check T3_BASE_URL and that the T3 Code server is up and reachable from here\.$/,
    notRun: 2,
  },
  {
    name: "T3 is too old",
    breakIt: async (world) => {
      const old = await startFakeT3({ serverVersion: "0.0.28" });
      return { env: { ...world.env, T3_BASE_URL: old.url }, close: () => old.close() };
    },
    failed:
      "✗ T3 is version 0.0.28; afk needs 0.0.29 or later (the thread list and thread detail routes). Fix: upgrade the T3 Code server to 0.0.29 or later.",
    notRun: 2,
  },
  {
    name: "T3's token lacks orchestration:operate",
    breakIt: async (world) => {
      world.t3.setToken(FAKE_T3_TOKEN, ["orchestration:read"]);
      return {};
    },
    failed:
      "✗ T3's token lacks orchestration:operate (the dispatch route answered 403). Fix: issue a T3 token with the scopes orchestration:read and orchestration:operate, and set T3_TOKEN (or T3_TOKEN_FILE) to it.",
    notRun: 0,
  },
  {
    name: "T3's token lacks orchestration:read",
    breakIt: async (world) => {
      world.t3.setToken(FAKE_T3_TOKEN, ["orchestration:operate"]);
      return {};
    },
    failed:
      /^✗ T3's token lacks orchestration:read: T3 unauthorized \(403 forbidden, trace \w+\): GET \/api\/orchestration\/shell answered 403 EnvironmentScopeRequiredError\/insufficient_scope: requires orchestration:read\. Fix: issue a T3 token/,
    notRun: 0,
  },
  {
    name: "Woodpecker refuses the token",
    breakIt: async (world) => {
      world.woodpecker.setToken("another-woodpecker-token");
      return {};
    },
    failed:
      "✗ Woodpecker refuses the token reading acme/widgets-deploy: Woodpecker unauthorized (401): GET /api/repos/lookup/acme/widgets-deploy answered 401: Unauthorized. Fix: set WOODPECKER_TOKEN to a current personal token (Woodpecker → User settings) of a user with pull access to acme/widgets-deploy.",
    notRun: 0,
  },
  {
    name: "Kubernetes denies afk's service account",
    breakIt: async (world) => {
      world.kube.setReadableNamespaces([]);
      return {};
    },
    failed:
      "✗ Kubernetes: afk's service account may not get Deployments in namespace web. Fix: bind a Role with get on apps/deployments in web to afk's service account (the Helm chart does so for each namespace in rollout.namespaces).",
    notRun: 1,
  },
  {
    name: "the Deployment does not exist",
    world: { deployment: false },
    breakIt: async () => ({}),
    failed:
      "✗ Kubernetes: there is no Deployment web/widgets (rollout of acme/widgets). Fix: correct rollout.kubernetes in the .github/afk.yml of acme/widgets, or create the Deployment.",
    notRun: 0,
  },
  {
    name: "Slack refuses the bot token",
    breakIt: async (world) => ({ env: { ...world.env, SLACK_BOT_TOKEN: "xoxb-not-the-bot-token" } }),
    failed:
      "✗ Slack refuses the bot token: Slack unauthorized (invalid_auth): auth.test failed: invalid_auth. Fix: set SLACK_BOT_TOKEN to the Slack app's Bot User OAuth Token (xoxb-…, under OAuth & Permissions).",
    notRun: 1,
  },
  {
    name: "the bot is not in SLACK_CHANNEL",
    breakIt: async (world) => {
      world.slack.addChannel(FAKE_SLACK_CHANNEL, { botIsMember: false });
      return {};
    },
    failed:
      "✗ Slack: the bot is not in SLACK_CHANNEL C0AFK. Fix: invite it: /invite @<the bot's name> in that channel.",
    notRun: 0,
  },
  {
    name: "an allowed Slack user does not exist",
    breakIt: async (world) => ({ env: { ...world.env, SLACK_ALLOWED_USERS: `${ALICE},U0NOBODY` } }),
    failed:
      "✗ Slack: SLACK_ALLOWED_USERS names U0NOBODY, whom Slack does not know. Fix: use the member ID from the person's Slack profile (⋮ → Copy member ID).",
    notRun: 0,
  },
];

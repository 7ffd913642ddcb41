// Every outside system afk needs, as the project's fakes on 127.0.0.1, set up so that
// every doctor check passes; a test then breaks one thing. The environment is what an
// operator would set for `npm start`, pointing at the fakes.

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import nock from "nock";
import { ProbotOctokit } from "probot";
import { GitHubFake } from "../fakes/github-fake.js";
import { FAKE_KUBE_TOKEN, KUBE_FIXTURE_CA, startFakeKube, type FakeKube } from "../fakes/kube-server.js";
import { FAKE_SLACK_CHANNEL, FAKE_SLACK_TOKEN, startFakeSlackApi, type FakeSlackApi } from "../fakes/slack-api.js";
import { FAKE_T3_TOKEN, startFakeT3, type FakeT3 } from "../fakes/t3-server.js";
import { FAKE_WOODPECKER_TOKEN, startFakeWoodpecker, type FakeWoodpecker } from "../fakes/woodpecker-server.js";

export const ROOT = resolve(import.meta.dirname, "../..");
export const MANIFEST = readFileSync(join(ROOT, "app.yml"), "utf8");

/** Deploys through Woodpecker and rolls out a Deployment. */
export const WIDGETS = "acme/widgets";
/** Has no .github/afk.yml: CI alone. */
export const GADGETS = "acme/gadgets";
export const WIDGETS_INSTALLATION = 4242;
export const GADGETS_INSTALLATION = 4343;
export const DEPLOY_REPO = "acme/widgets-deploy";
export const ALICE = "U0ALICE";
export const SLACK_SIGNING_SECRET = "doctor-slack-signing-secret";
export const WEBHOOK_SECRET = "doctor-webhook-secret";

export const WIDGETS_AFK_YML = `
required_checks: [test]
woodpecker: { repo: ${DEPLOY_REPO} }
rollout:
  kubernetes: { namespace: web, deployment: widgets, container: app }
`;

/** Probot's Octokit as tests need it: no retries, no throttling. */
export const TestOctokit = ProbotOctokit.defaults((options: object) => ({
  ...options,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

export interface DoctorWorld {
  readonly github: GitHubFake;
  readonly t3: FakeT3;
  readonly woodpecker: FakeWoodpecker;
  readonly kube: FakeKube;
  readonly slack: FakeSlackApi;
  /** A folder for the kube token file (and anything else a test writes). */
  readonly dir: string;
  /** What the operator set: every system configured, afk armed for both repos. */
  readonly env: Record<string, string>;
  /** Every secret value in `env`: none may appear in the doctor's output. */
  readonly secrets: readonly string[];
  close(): Promise<void>;
}

export interface WorldOptions {
  /** False: the Deployment acme/widgets rolls out to does not exist. */
  readonly deployment?: boolean;
}

export async function startDoctorWorld(options: WorldOptions = {}): Promise<DoctorWorld> {
  nock.disableNetConnect();
  nock.enableNetConnect("127.0.0.1");
  const github = new GitHubFake();
  github.addRepo({
    fullName: WIDGETS,
    ownerType: "Organization",
    installationId: WIDGETS_INSTALLATION,
    files: { ".github/afk.yml": WIDGETS_AFK_YML },
  });
  github.addRepo({ fullName: GADGETS, ownerType: "Organization", installationId: GADGETS_INSTALLATION });
  await github.start();
  const t3 = await startFakeT3();
  const woodpecker = await startFakeWoodpecker({ mode: "v3" });
  woodpecker.addRepo(DEPLOY_REPO);
  const kube = await startFakeKube();
  if (options.deployment !== false)
    kube.addDeployment({
      namespace: "web",
      name: "widgets",
      containers: [{ name: "app", image: "ghcr.io/acme/widgets:0123abc" }],
    });
  const slack = await startFakeSlackApi();
  slack.addUser(ALICE, { name: "alice" });
  const dir = mkdtempSync(join(tmpdir(), "afk-doctor-"));
  const tokenFile = join(dir, "kube-token");
  writeFileSync(tokenFile, `${FAKE_KUBE_TOKEN}\n`);
  const env: Record<string, string> = {
    ...github.probotEnv(),
    WEBHOOK_SECRET,
    AFK_KILL_SWITCH: "off",
    AFK_ALLOWLIST: `${WIDGETS},${GADGETS}`,
    T3_BASE_URL: t3.url,
    T3_TOKEN: FAKE_T3_TOKEN,
    WOODPECKER_URL: woodpecker.url,
    WOODPECKER_TOKEN: FAKE_WOODPECKER_TOKEN,
    AFK_KUBE_API_URL: kube.url,
    AFK_KUBE_TOKEN_FILE: tokenFile,
    AFK_KUBE_CA_FILE: KUBE_FIXTURE_CA,
    SLACK_BOT_TOKEN: FAKE_SLACK_TOKEN,
    SLACK_SIGNING_SECRET,
    SLACK_CHANNEL: FAKE_SLACK_CHANNEL,
    SLACK_ALLOWED_USERS: ALICE,
    SLACK_API_URL: slack.apiUrl,
  };
  return {
    github,
    t3,
    woodpecker,
    kube,
    slack,
    dir,
    env,
    secrets: [
      github.appPrivateKey,
      ...github.appPrivateKey.split("\n").filter((line) => line.length > 40),
      WEBHOOK_SECRET,
      FAKE_T3_TOKEN,
      FAKE_WOODPECKER_TOKEN,
      FAKE_KUBE_TOKEN,
      FAKE_SLACK_TOKEN,
      SLACK_SIGNING_SECRET,
    ],
    close: async () => {
      await github.stop();
      await t3.close();
      await woodpecker.close();
      await kube.close();
      await slack.close();
      rmSync(dir, { recursive: true, force: true });
      nock.enableNetConnect();
    },
  };
}

const SLACK_READS: ReadonlySet<string> = new Set(["auth.test", "conversations.history", "users.info"]);
const ACCESS_REVIEW = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

/**
 * Every request to a fake that was not a read, in words; empty when the doctor only read.
 * Reads are GETs, plus what reading takes: GitHub's installation token, Kubernetes'
 * access review (a question, stored nowhere) and T3's dispatch probe, which T3 refused.
 */
export function toWrites(world: DoctorWorld): string[] {
  return [
    ...world.github.requests
      .filter(
        (r) =>
          r.method !== "GET" && !(r.method === "POST" && /^\/app\/installations\/\d+\/access_tokens$/.test(r.path)),
      )
      .map((r) => `GitHub ${r.method} ${r.path}`),
    ...world.t3.requests
      .filter(
        (r) =>
          r.method !== "GET" && !(r.path === "/api/orchestration/dispatch" && r.status !== null && r.status >= 400),
      )
      .map((r) => `T3 ${r.method} ${r.path} → ${r.status}`),
    ...world.t3.commands.map((command) => `T3 command ${JSON.stringify(command)}`),
    ...world.woodpecker.requests.filter((r) => r.method !== "GET").map((r) => `Woodpecker ${r.method} ${r.path}`),
    ...world.kube.requests
      .filter((r) => r.method !== "GET" && !(r.method === "POST" && r.path === ACCESS_REVIEW))
      .map((r) => `Kubernetes ${r.method} ${r.path}`),
    ...world.slack.calls.filter((c) => !SLACK_READS.has(c.method)).map((c) => `Slack ${c.method}`),
    ...world.github.deliveries.map((d) => `GitHub webhook ${d.event}`),
  ];
}

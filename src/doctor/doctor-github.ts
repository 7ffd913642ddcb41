// The GitHub checks' reads: the app's credentials as `probot run` finds them (APP_ID,
// PRIVATE_KEY or PRIVATE_KEY_PATH or one *.pem in the working directory, GHE_HOST and
// GHE_PROTOCOL), then, through Probot's own auth as afk uses it, `GET /app` with the
// app's JWT, each enrolled repo's installation, and its `.github/afk.yml` read with the
// installation's token. The words are the pure checks' (checks/check-github.ts,
// checks/check-repo-config.ts).

import { createPrivateKey } from "node:crypto";
import { getPrivateKey } from "@probot/get-private-key";
import { Probot, type ProbotOctokit } from "probot";
import { parse as parseYaml } from "yaml";
import { createAppGrantsReader } from "../adapters/github/app-grants.js";
import { createGitHubClient } from "../adapters/github/github-client.js";
import type { Octokit } from "../adapters/github/octokit.js";
import { defaultRepoConfig, type OperatorConfig, type RepoConfig } from "../core/config/config-types.js";
import { parseRepoConfig } from "../core/config/repo-config.js";
import type { AppGrants, AppGrantsReader } from "../ports/app-grants.js";
import {
  NO_REPOS_LINE,
  toAppAuthLine,
  toAppGrantsLine,
  toCredentialsLine,
  toInstallationLine,
  toInstallationSkipLine,
  type CredentialsProblem,
} from "./checks/check-github.js";
import { AFK_YML, toRepoConfigLine, toRepoConfigSkipLine, type RepoConfigRead } from "./checks/check-repo-config.js";
import { skip, type DoctorLine } from "./checks/doctor-line.js";
import type { ManifestGrants } from "./checks/manifest-grants.js";

export type Env = Readonly<Record<string, string | undefined>>;

export interface GitHubDoctorOptions {
  readonly env: Env;
  readonly cwd: string;
  readonly manifest: ManifestGrants;
  /** Null when the configuration does not parse: the per-repo checks need it. */
  readonly config: OperatorConfig | null;
  readonly Octokit: typeof ProbotOctokit;
}

export interface GitHubFindings {
  readonly lines: readonly DoctorLine[];
  /** The `.github/afk.yml` of each enrolled repo that has a valid one (or none: the default). */
  readonly repoConfigs: ReadonlyMap<string, RepoConfig>;
}

type Credentials =
  | { readonly ok: true; readonly appId: number; readonly privateKey: string }
  | { readonly ok: false; readonly problem: CredentialsProblem };

/** As `probot run` reads them (its `readEnvOptions`), so the doctor signs as afk will. */
function readCredentials(env: Env, cwd: string): Credentials {
  const appId = env.APP_ID?.trim() ?? "";
  if (appId === "") return { ok: false, problem: { kind: "no-app-id" } };
  if (!/^\d+$/.test(appId)) return { ok: false, problem: { kind: "bad-app-id" } };
  let privateKey: string | null;
  try {
    privateKey = getPrivateKey({ env: { ...env }, cwd });
  } catch (error) {
    // Its messages name the variable or the path, never the key.
    const why = (error as Error).message.replace(/^\[@probot\/get-private-key\]\s*/, "").replace(/\.+$/, "");
    return { ok: false, problem: { kind: "bad-key", why } };
  }
  if (privateKey === null || privateKey.trim() === "") return { ok: false, problem: { kind: "no-key" } };
  try {
    // A PEM whose body is damaged passes the library's shape check and fails only when a JWT is signed.
    createPrivateKey(privateKey);
  } catch (error) {
    return {
      ok: false,
      problem: { kind: "bad-key", why: `the private key cannot be read (${(error as Error).message})` },
    };
  }
  return { ok: true, appId: Number(appId), privateKey };
}

function toBaseUrl(env: Env): string {
  return env.GHE_HOST ? `${env.GHE_PROTOCOL || "https"}://${env.GHE_HOST}/api/v3` : "https://api.github.com";
}

export async function doctorGitHub(options: GitHubDoctorOptions): Promise<GitHubFindings> {
  const { config } = options;
  const repos = config?.allowlist ?? [];
  const credentials = readCredentials(options.env, options.cwd);
  if (!credentials.ok) return notAuthenticated(toCredentialsLine(credentials.problem), repos, config);
  const probot = new Probot({
    appId: credentials.appId,
    privateKey: credentials.privateKey,
    baseUrl: toBaseUrl(options.env),
    Octokit: options.Octokit,
    // The doctor prints its own report; Probot's request log would interleave with it.
    logLevel: "fatal",
  });
  const grants = createAppGrantsReader((await probot.auth()) as Octokit);
  const app = await grants.readApp();
  const authLine = toAppAuthLine(app, credentials.appId);
  if (!app.ok) return notAuthenticated(authLine, repos, config);
  const lines: DoctorLine[] = [authLine, toAppGrantsLine(app.value, options.manifest)];
  const repoConfigs = new Map<string, RepoConfig>();
  if (config === null) return { lines, repoConfigs };
  if (repos.length === 0) lines.push(NO_REPOS_LINE);
  for (const repo of repos) {
    const found = await doctorRepo(repo, { probot, grants, app: app.value, config });
    lines.push(...found.lines);
    if (found.repoConfig !== null) repoConfigs.set(repo, found.repoConfig);
  }
  return { lines, repoConfigs };
}

/** Without an authenticated app, nothing else on GitHub can be read. */
function notAuthenticated(first: DoctorLine, repos: readonly string[], config: OperatorConfig | null): GitHubFindings {
  const lines = [first, skip("the app's permissions and events: not checked (the app does not authenticate)")];
  if (config !== null)
    for (const repo of repos)
      lines.push(
        toInstallationSkipLine(repo, "the app does not authenticate"),
        toRepoConfigSkipLine(repo, "the app does not authenticate"),
      );
  return { lines, repoConfigs: new Map() };
}

interface RepoDeps {
  readonly probot: Probot;
  readonly grants: AppGrantsReader;
  readonly app: AppGrants;
  readonly config: OperatorConfig;
}

async function doctorRepo(
  repo: string,
  deps: RepoDeps,
): Promise<{ readonly lines: DoctorLine[]; readonly repoConfig: RepoConfig | null }> {
  const installation = await deps.grants.readInstallation(repo);
  const installLine = toInstallationLine(repo, installation, deps.app);
  if (!installation.ok || installation.value === null) {
    const why = installation.ok ? "the app is not installed on it" : "its installation could not be read";
    return { lines: [installLine, toRepoConfigSkipLine(repo, why)], repoConfig: null };
  }
  const github = createGitHubClient((await deps.probot.auth(installation.value.installationId)) as Octokit);
  const read = await readRepoConfig(repo, github, deps.config);
  return { lines: [installLine, toRepoConfigLine(repo, read)], repoConfig: toUsableConfig(read, deps.config) };
}

/** The pipeline a dispatch would pin: the file's, or the default without one; null when it is unusable. */
function toUsableConfig(read: RepoConfigRead, config: OperatorConfig): RepoConfig | null {
  if (read.kind === "absent") return defaultRepoConfig(config);
  return read.kind === "parsed" && read.result.ok ? read.result.config : null;
}

/** From the default branch, as a dispatch reads it (src/shell/reconcile-repo.ts). */
async function readRepoConfig(
  repo: string,
  github: ReturnType<typeof createGitHubClient>,
  config: OperatorConfig,
): Promise<RepoConfigRead> {
  const facts = await github.getRepo(repo);
  if (!facts.ok) return { kind: "unread", error: facts.error };
  const branch = facts.value.defaultBranch;
  const text = await github.readFile(repo, AFK_YML, branch);
  if (!text.ok) return { kind: "unread", error: text.error };
  if (text.value === null) return { kind: "absent", branch };
  let raw: unknown;
  try {
    raw = parseYaml(text.value);
  } catch (error) {
    return { kind: "not-yaml", branch, why: (error as Error).message.split("\n")[0] ?? "" };
  }
  return { kind: "parsed", branch, result: parseRepoConfig(raw, config) };
}

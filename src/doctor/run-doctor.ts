// `afk doctor`: reads the configuration `npm start` reads and checks, live, every outside
// system afk needs, one line per check. It never writes: the only requests that are not
// GETs are GitHub's installation token (how an installation reads), Kubernetes'
// SelfSubjectAccessReview (a question the API server answers without storing it) and
// T3's dispatch probe, which carries no command and is refused before anything happens.

import { ProbotOctokit } from "probot";
import { parse as parseYaml } from "yaml";
import { loadConfig } from "../shell/load-config.js";
import { toArmingLine, toConfigLines, NEEDS_CONFIG_LINE } from "./checks/check-config.js";
import { renderLine, toExitCode, type DoctorLine } from "./checks/doctor-line.js";
import { parseManifestGrants, type ManifestGrants } from "./checks/manifest-grants.js";
import { doctorGitHub, type Env } from "./doctor-github.js";
import { DEFAULT_DOCTOR_LIMITS, type DoctorLimits } from "./doctor-limits.js";
import { doctorSlack } from "./doctor-slack.js";
import { doctorKubernetes, doctorWoodpecker } from "./doctor-stages.js";
import { doctorT3 } from "./doctor-t3.js";

export interface DoctorOptions {
  /** The environment afk starts with (a `.env` file already applied, as `probot run` does). */
  readonly env: Env;
  /** app.yml's text: the permissions and events the app was registered with. */
  readonly manifest: string;
  /** Where PRIVATE_KEY_PATH and a lone *.pem are found, as by Probot: the working directory. */
  readonly cwd: string;
  /** Reads AFK_CONFIG_FILE; the disk when absent. */
  readonly readFile?: (path: string) => string;
  /** Probot's Octokit class (tests pass one without retries or throttling). */
  readonly Octokit?: typeof ProbotOctokit;
  readonly limits?: DoctorLimits;
}

export interface DoctorReport {
  /** One line per check, ✓ / ✗ (with its fix) / – (does not apply, or not run). */
  readonly lines: readonly string[];
  /** 0 only when every check passed or did not apply. */
  readonly exitCode: 0 | 1;
}

function toManifestGrants(text: string): ManifestGrants {
  try {
    return parseManifestGrants(parseYaml(text));
  } catch (error) {
    return { ok: false, why: `not valid YAML (${(error as Error).message.split("\n")[0] ?? ""})` };
  }
}

export async function runDoctor(options: DoctorOptions): Promise<DoctorReport> {
  const limits = options.limits ?? DEFAULT_DOCTOR_LIMITS;
  const loaded = loadConfig(options.env, options.readFile);
  const lines: DoctorLine[] = [...toConfigLines(loaded)];
  const config = loaded.ok ? loaded.config : null;
  if (config !== null) lines.push(toArmingLine(config));
  const github = await doctorGitHub({
    env: options.env,
    cwd: options.cwd,
    manifest: toManifestGrants(options.manifest),
    config,
    Octokit: options.Octokit ?? ProbotOctokit,
  });
  lines.push(...github.lines);
  if (config === null) lines.push(NEEDS_CONFIG_LINE);
  else {
    lines.push(...(await doctorT3(config.t3, limits)));
    lines.push(...(await doctorWoodpecker(config, github.repoConfigs, limits)));
    lines.push(...(await doctorKubernetes(config, github.repoConfigs, limits)));
    lines.push(...(await doctorSlack(config.slack, limits)));
  }
  return { lines: lines.map(renderLine), exitCode: toExitCode(lines) };
}

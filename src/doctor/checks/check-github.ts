// The GitHub App: its credentials, that it authenticates (`GET /app` with its JWT), that
// its settings grant what app.yml asks for, and that each enrolled repo has it installed
// with those grants accepted. Pure: the caller reads, these decide and word the fix.

import { assertNever } from "../../core/common/assert-never.js";
import type { AppGrants, InstallationGrants } from "../../ports/app-grants.js";
import { describeError, type Result } from "../../ports/result.js";
import { fail, pass, skip, type DoctorLine } from "./doctor-line.js";
import { toGenericFix } from "./generic-fix.js";
import { describeMissing, isComplete, toMissingGrants, type ManifestGrants } from "./manifest-grants.js";

export type CredentialsProblem =
  | { readonly kind: "no-app-id" }
  | { readonly kind: "bad-app-id" }
  | { readonly kind: "no-key" }
  /** What reading PRIVATE_KEY / PRIVATE_KEY_PATH said (never the key). */
  | { readonly kind: "bad-key"; readonly why: string };

const APP_ID_FIX = 'set APP_ID to the GitHub App\'s id (its settings page, "App ID").';
const KEY_FIX =
  'set PRIVATE_KEY_PATH to the .pem file generated under "Private keys" in the app\'s settings (or PRIVATE_KEY to its contents).';
const GITHUB_SETTINGS = "GHE_HOST and GHE_PROTOCOL (unset: api.github.com)";

export function toCredentialsLine(problem: CredentialsProblem): DoctorLine {
  switch (problem.kind) {
    case "no-app-id":
      return fail("the app cannot authenticate: APP_ID is not set", APP_ID_FIX);
    case "bad-app-id":
      return fail("the app cannot authenticate: APP_ID is not a whole number", APP_ID_FIX);
    case "no-key":
      return fail(
        "the app cannot authenticate: no private key (PRIVATE_KEY, PRIVATE_KEY_PATH, or one *.pem file in the working directory)",
        KEY_FIX,
      );
    case "bad-key":
      return fail(`the app cannot authenticate: ${problem.why}`, KEY_FIX);
    default:
      return assertNever(problem);
  }
}

export function toAppAuthLine(app: Result<AppGrants>, appId: number): DoctorLine {
  if (app.ok) return pass(`the app authenticates as ${app.value.slug} (app ${app.value.appId})`);
  const text = `the app does not authenticate: ${describeError(app.error)}`;
  if (app.error.category === "unauthorized")
    return fail(
      text,
      `set PRIVATE_KEY (or PRIVATE_KEY_PATH) to a current private key of app ${appId}, and APP_ID to that app's id.`,
    );
  return fail(text, toGenericFix(app.error, GITHUB_SETTINGS));
}

export function toAppGrantsLine(app: AppGrants, manifest: ManifestGrants): DoctorLine {
  if (!manifest.ok) return fail(`app.yml cannot be read: ${manifest.why}`, "restore app.yml from afk's repository.");
  const missing = toMissingGrants(manifest.grants, app);
  if (isComplete(missing)) return pass("the app's settings grant every permission and event app.yml asks for");
  return fail(
    `the app's settings lack what app.yml asks for: ${describeMissing(missing)}`,
    "grant them in the GitHub App's settings (Permissions & events) and save; each installation must then accept the new permissions.",
  );
}

export const NO_REPOS_LINE = skip(
  "no repository is enrolled (AFK_ALLOWLIST is empty): no installation or .github/afk.yml to check",
);

/**
 * An installation lacks only what it has not accepted yet: what the app itself lacks is
 * the app line's to report (and its fix says the installations must accept it too).
 */
export function toInstallationLine(
  repo: string,
  installation: Result<InstallationGrants | null>,
  app: AppGrants,
): DoctorLine {
  if (!installation.ok)
    return fail(
      `${repo}: cannot tell whether the app is installed: ${describeError(installation.error)}`,
      toGenericFix(installation.error, GITHUB_SETTINGS),
    );
  const found = installation.value;
  if (found === null)
    return fail(
      `${repo}: the app is not installed on it`,
      `install the app on ${repo} (the app's page on GitHub → Install, or Configure → Repository access).`,
    );
  const missing = toMissingGrants(app, found);
  if (isComplete(missing))
    return pass(`${repo}: installed (installation ${found.installationId}), every permission and event accepted`);
  return fail(
    `${repo}: installation ${found.installationId} has not accepted ${describeMissing(missing)}`,
    `an owner of ${found.account || repo.split("/")[0]} accepts the app's new permissions (the installation's settings on GitHub → Review request).`,
  );
}

export function toInstallationSkipLine(repo: string, why: string): DoctorLine {
  return skip(`${repo}: installation not checked (${why})`);
}

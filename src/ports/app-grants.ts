// What the GitHub App is granted (contracts/github.md): the permissions and events set in
// the app's settings, and those each installation has accepted. `afk doctor` compares
// them with what app.yml asks for. Reads only, as the app itself (JWT).

import type { Result } from "./result.js";

/** Permission name → access (`read`, `write`, `admin`), and the webhook events subscribed. */
export interface Grants {
  readonly permissions: Readonly<Record<string, string>>;
  readonly events: readonly string[];
}

export interface AppGrants extends Grants {
  readonly appId: number;
  readonly slug: string;
}

export interface InstallationGrants extends Grants {
  readonly installationId: number;
  /** The user or organization the app is installed on: who accepts new permissions. */
  readonly account: string;
}

export interface AppGrantsReader {
  /** `GET /app`. */
  readApp(): Promise<Result<AppGrants>>;
  /** `GET /repos/{o}/{r}/installation`; null when the app is not installed on the repo. */
  readInstallation(repo: string): Promise<Result<InstallationGrants | null>>;
}

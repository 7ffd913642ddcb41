// The GitHub port for calls made as the app itself (JWT), not as one installation:
// where afk is installed, who afk is (to recognise its own acts), and the webhook
// deliveries that failed (GitHub never retries them by itself).

import type { Result } from "./result.js";

export interface AppIdentity {
  readonly appId: number;
  readonly slug: string;
  /**
   * The app's bot user, `<slug>[bot]`: the sender of the webhooks afk's own writes cause.
   * The login alone names it: `[` and `]` cannot appear in a person's login, and a slug
   * names one app on the GitHub instance.
   */
  readonly botLogin: string;
}

export interface GitHubApp {
  readIdentity(): Promise<Result<AppIdentity>>;
  /** The installation of afk on the repo, or null when afk is not installed there. */
  findInstallation(repo: string): Promise<Result<number | null>>;
  /** Ids to redeliver, one per event delivered since `sinceMs` whose latest delivery failed. */
  listFailedDeliveries(sinceMs: number): Promise<Result<number[]>>;
  redeliver(deliveryId: number): Promise<Result<void>>;
}

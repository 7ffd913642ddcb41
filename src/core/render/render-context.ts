// What every view of a run needs beyond the record: the operator's settings it shows
// and where GitHub lives (links).

import type { OperatorConfig } from "../config/config-types.js";

export interface RenderContext {
  readonly config: Pick<OperatorConfig, "t3" | "slack" | "woodpecker" | "labels">;
  /** Web base of GitHub, e.g. `https://github.com` (a GHE host otherwise). */
  readonly githubUrl: string;
}

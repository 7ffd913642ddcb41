// The deploy port, over Woodpecker CI v2/v3 (contracts/woodpecker.md): find the pipeline
// that deploys a commit and read it fresh. Reads only.

import type { PipelineFact } from "../core/observe/observe-types.js";
import type { Result } from "./result.js";

export interface FindPipelinesQuery {
  /** The default branch the commit was pushed to. */
  readonly branch: string;
  /** Unix seconds: only pipelines created strictly later (Woodpecker's `after`). */
  readonly after: number;
  /** Pages of 50 to read at most. */
  readonly maxPages?: number;
}

export interface DeployReader {
  /** `owner/name` → Woodpecker's numeric repo id, cached for the reader's life. */
  lookupRepoId(fullName: string): Promise<Result<number>>;
  /**
   * Push pipelines on the branch created after `after`, newest first. v2 servers ignore
   * the branch and event filters: the caller matches branch, event and commit itself.
   */
  findPipelines(repoId: number, query: FindPipelinesQuery): Promise<Result<readonly PipelineFact[]>>;
  /** One pipeline, fresh; `not-found` for an unknown number. */
  getPipeline(repoId: number, number: number): Promise<Result<PipelineFact>>;
  /** Unauthenticated, at the server root: readiness and the server's version. */
  readVersion(): Promise<Result<string>>;
  close(): Promise<void>;
}

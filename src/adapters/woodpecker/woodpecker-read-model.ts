// Woodpecker's response shapes (contracts/woodpecker.md) and their mapping to the core's
// plain facts. Pure. Extra fields are tolerated (the server grows them every release);
// a field afk reads that is missing or of the wrong type makes the response invalid.
//
// Woodpecker 2.x named the pipeline times `created_at`, `started_at` and `finished_at`;
// 3.0 renamed them `created`, `started` and `finished`. Both spellings are read.

import { z } from "zod";
import type { PipelineFact } from "../../core/observe/observe-types.js";

const unixSeconds = z.number().int().nonnegative();

/** `cancel_info` exists from v3.14 on, and only on cancelled pipelines. */
const CancelInfoSchema = z.object({
  superseded_by: z.number().int().nonnegative().optional(),
});

const RawPipelineSchema = z.object({
  number: z.number().int().positive(),
  /** The pipeline this one restarts; 0 for none. */
  parent: z.number().int().nonnegative(),
  event: z.string(),
  status: z.string().min(1),
  commit: z.string(),
  branch: z.string(),
  created: unixSeconds.optional(),
  created_at: unixSeconds.optional(),
  started: unixSeconds.optional(),
  started_at: unixSeconds.optional(),
  finished: unixSeconds.optional(),
  finished_at: unixSeconds.optional(),
  cancel_info: CancelInfoSchema.nullish(),
});

type RawPipeline = z.infer<typeof RawPipelineSchema>;

export const WoodpeckerPipelineSchema = RawPipelineSchema.transform((raw, context): PipelineFact => {
  const created = raw.created ?? raw.created_at;
  if (created === undefined) {
    context.addIssue({
      code: "custom",
      path: ["created"],
      message: "neither `created` (v3) nor `created_at` (v2) is present",
    });
    return z.NEVER;
  }
  return toPipelineFact(raw, created);
});

export const WoodpeckerPipelineListSchema = z.array(WoodpeckerPipelineSchema);

/** `GET /api/repos/lookup/{owner}/{name}`: afk needs only the id. */
export const WoodpeckerRepoSchema = z.object({ id: z.number().int().positive() });

/** `GET /version`: afk needs only the version (`source` and the rest are stripped). */
export const WoodpeckerVersionSchema = z.object({ version: z.string().min(1) }).transform(({ version }) => version);

function toPipelineFact(raw: RawPipeline, created: number): PipelineFact {
  const supersededBy = raw.cancel_info?.superseded_by;
  return {
    number: raw.number,
    parent: raw.parent,
    event: raw.event,
    status: raw.status,
    commit: raw.commit,
    branch: raw.branch,
    created,
    // `omitempty` on the server: 0 never names a pipeline.
    supersededBy: supersededBy === undefined || supersededBy === 0 ? null : supersededBy,
  };
}

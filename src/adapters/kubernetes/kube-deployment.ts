// A Deployment as the API server returns it (apps/v1), reduced to what the rollout
// check reads. Pure.
//
// The schema requires only `metadata.generation` and the container list and strips
// everything else, so any server version passes. Kubernetes serializes its counters
// with `omitempty`: a zero `availableReplicas`, a false `paused`, a status the
// controller has not written yet are all simply absent, and read as 0 / false / null
// here, never as a schema failure.

import { z } from "zod";
import type { DeploymentFact } from "../../core/observe/observe-types.js";

const count = z.number().int().nonnegative();
const optionalCount = count.nullish().transform((value) => value ?? 0);
const optionalText = z
  .string()
  .nullish()
  .transform((value) => (value === undefined || value === null || value === "" ? null : value));

const ContainerSchema = z.object({
  name: z.string(),
  // Optional in the pod spec (an admission webhook may fill it in).
  image: z.string().nullish(),
});

const ConditionSchema = z.object({
  type: z.string(),
  status: z.string(),
  reason: optionalText,
  message: optionalText,
});

export const DeploymentSchema = z.object({
  // Absent `kind` is tolerated; another kind (a Status, a List) is not a Deployment.
  kind: z.literal("Deployment").optional(),
  metadata: z.object({ generation: count }),
  spec: z.object({
    replicas: count.nullish(),
    paused: z.boolean().nullish(),
    template: z.object({ spec: z.object({ containers: z.array(ContainerSchema) }) }),
  }),
  status: z
    .object({
      observedGeneration: count.nullish(),
      replicas: optionalCount,
      updatedReplicas: optionalCount,
      availableReplicas: optionalCount,
      conditions: z.array(ConditionSchema).nullish(),
    })
    .nullish(),
});

export type DeploymentParse =
  { readonly ok: true; readonly value: DeploymentFact } | { readonly ok: false; readonly why: string };

export function parseDeployment(json: unknown): DeploymentParse {
  const parsed = DeploymentSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? "body" : issue.path.join(".");
    return { ok: false, why: `${where}: ${issue?.message ?? "is not a Deployment"}` };
  }
  const { metadata, spec, status } = parsed.data;
  return {
    ok: true,
    value: {
      generation: metadata.generation,
      observedGeneration: status?.observedGeneration ?? null,
      replicas: spec.replicas ?? 1,
      paused: spec.paused ?? false,
      images: spec.template.spec.containers.map((container) => ({
        container: container.name,
        image: container.image ?? "",
      })),
      status: {
        replicas: status?.replicas ?? 0,
        updatedReplicas: status?.updatedReplicas ?? 0,
        availableReplicas: status?.availableReplicas ?? 0,
      },
      conditions: status?.conditions ?? [],
    },
  };
}

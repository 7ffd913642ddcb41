// A SelfSubjectAccessReview (authorization.k8s.io/v1): the API server answers whether
// the caller itself may do something, without doing it. afk asks it whether its service
// account may `get` Deployments in a namespace, so a missing RBAC Role is reported
// before a rollout is ever followed there. Pure.

import { z } from "zod";

export const ACCESS_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

/** The review of `get` on `apps/deployments` in the namespace. */
export function toDeploymentAccessReview(namespace: string): Record<string, unknown> {
  return {
    apiVersion: "authorization.k8s.io/v1",
    kind: "SelfSubjectAccessReview",
    spec: { resourceAttributes: { namespace, verb: "get", group: "apps", resource: "deployments" } },
  };
}

/** Only `status.allowed` is relied on; `denied`, `reason` and the echoed spec are stripped. */
export const AccessReviewSchema = z
  .object({
    kind: z.literal("SelfSubjectAccessReview").optional(),
    status: z.object({ allowed: z.boolean() }),
  })
  .transform((review) => review.status.allowed);

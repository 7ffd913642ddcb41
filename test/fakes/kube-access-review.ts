// The fake API server's SelfSubjectAccessReview (`POST
// /apis/authorization.k8s.io/v1/selfsubjectaccessreviews`), checked as strictly as the
// real server decodes it, and one step stricter: the real server only warns about an
// unknown field (fieldValidation=Warn by default), the fake refuses it, because a
// misspelt attribute would silently ask another question.
//
// In the real server's order: 415 for a body that is not JSON by its content type, 400
// for one that does not decode or is of another kind, 422 when the spec asks neither a
// resource nor a non-resource question, else 201 with the review, its `status.allowed`
// filled in by RBAC (the fake's `may`).

import { toStatus } from "./kube-status.js";

export const ACCESS_REVIEW_PATH = "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews";

const API_VERSION = "authorization.k8s.io/v1";
const KIND = "SelfSubjectAccessReview";
const ATTRIBUTE_KEYS: ReadonlySet<string> = new Set([
  "namespace",
  "verb",
  "group",
  "version",
  "resource",
  "subresource",
  "name",
  "fieldSelector",
  "labelSelector",
]);

export interface ResourceAttributes {
  readonly namespace: string;
  readonly verb: string;
  readonly group: string;
  readonly resource: string;
}

type Answer = [number, Record<string, unknown>];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function badRequest(message: string): Answer {
  return [400, toStatus(400, "BadRequest", message)];
}

function decode(text: string): Record<string, unknown> | string {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return `couldn't get version/kind; json parse error: ${(error as Error).message}`;
  }
  if (!isRecord(json)) return "couldn't get version/kind; json parse error: not an object";
  if ((json.apiVersion ?? API_VERSION) !== API_VERSION || (json.kind ?? KIND) !== KIND)
    return `the object provided is unrecognized (must be of type ${KIND}): ${String(json.apiVersion)}, Kind=${String(json.kind)}`;
  const unknown = Object.keys(json).find((key) => !["apiVersion", "kind", "metadata", "spec"].includes(key));
  return unknown === undefined ? json : `strict decoding error: unknown field "${unknown}"`;
}

function toAttributes(spec: unknown): ResourceAttributes | string | null {
  if (!isRecord(spec) || !isRecord(spec.resourceAttributes)) return null;
  const attributes = spec.resourceAttributes;
  const unknown = Object.keys(attributes).find((key) => !ATTRIBUTE_KEYS.has(key));
  if (unknown !== undefined) return `strict decoding error: unknown field "spec.resourceAttributes.${unknown}"`;
  // Go decodes an absent string as "", and refuses another type.
  const field = (key: string): string | null => {
    const value = attributes[key] ?? "";
    return typeof value === "string" ? value : null;
  };
  const [namespace, verb, group, resource] = ["namespace", "verb", "group", "resource"].map(field);
  if (namespace == null || verb == null || group == null || resource == null)
    return "json: cannot unmarshal a non-string into a string attribute of spec.resourceAttributes";
  return { namespace, verb, group, resource };
}

export function answerAccessReview(
  contentType: string | undefined,
  text: string,
  may: (attributes: ResourceAttributes) => boolean,
): Answer {
  if (!(contentType ?? "").toLowerCase().startsWith("application/json")) {
    const message =
      "the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, application/vnd.kubernetes.protobuf, application/cbor";
    return [415, toStatus(415, "UnsupportedMediaType", message)];
  }
  const review = decode(text);
  if (typeof review === "string") return badRequest(review);
  const attributes = toAttributes(review.spec);
  if (typeof attributes === "string") return badRequest(attributes);
  if (attributes === null) {
    const message = `${KIND}.authorization.k8s.io "" is invalid: spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or resourceAttributes must be specified`;
    return [422, toStatus(422, "Invalid", message, { group: "authorization.k8s.io", kind: KIND })];
  }
  const allowed = may(attributes);
  return [
    201,
    {
      kind: KIND,
      apiVersion: API_VERSION,
      metadata: { creationTimestamp: null },
      spec: review.spec,
      status: allowed
        ? {
            allowed,
            reason: `RBAC: allowed by RoleBinding "afk/${attributes.namespace}" of Role "afk" to ServiceAccount "afk/afk"`,
          }
        : { allowed },
    },
  ];
}

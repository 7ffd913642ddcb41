// Checks the suite's GitHub REST requests against GitHub's own description of its API
// (`@octokit/openapi`, api.github.com flavour), so a mock can never agree with a call
// that the real GitHub would refuse: the method and path must exist, the path and query
// parameters must fit their schemas, and the JSON body must validate.
//
// The path is matched against the spec's templates, literal segments first; a parameter
// marked `x-multi-segment` (a ref such as `heads/main`) may span raw slashes. Query names
// must be declared (arrays comma-joined, as octokit sends them); values, path parameters
// and the JSON body are validated with ajv (formats on, every error reported). One
// deliberate strictness beyond the spec: the operation's own body objects refuse unknown
// properties, because GitHub silently ignores a misspelt field. Responses, headers and
// non-JSON bodies (markdown, release assets) are not checked.
//
// The non-dereferenced spec (13 MB) is read once per process, on the first check; the
// dereferenced one is 73 MB and 7x slower to parse, so `$ref`s are resolved here, per
// operation, into a self-contained schema whose validator is compiled once and cached.

import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import nock from "nock";

export type GitHubRequestCheck =
  { readonly ok: true; readonly operationId: string } | { readonly ok: false; readonly problem: string };

export interface GitHubRequest {
  readonly method: string;
  /** A plain api.github.com path (no `/api/v3`), percent-encoded as sent, with any query string. */
  readonly path: string;
  /** A parsed JSON value, or the raw body text; `undefined` or `""` means no body. */
  readonly body?: unknown;
}

type JsonObject = { [key: string]: unknown };

interface Parameter {
  readonly name: string;
  readonly in: string;
  readonly required?: boolean;
  readonly schema?: unknown;
  readonly "x-multi-segment"?: boolean;
}

interface Operation {
  readonly operationId: string;
  readonly parameters?: readonly (Parameter | { $ref: string })[];
  readonly requestBody?: { readonly required?: boolean; readonly content?: Record<string, { schema?: unknown }> };
}

interface Spec {
  readonly paths: Record<string, Record<string, unknown>>;
  readonly components: { readonly schemas: Record<string, unknown>; readonly parameters: Record<string, Parameter> };
}

interface Route {
  readonly template: string;
  readonly method: string;
  readonly operation: Operation;
  readonly parameters: readonly Parameter[];
  readonly pattern: RegExp;
  /** Names of the path parameters, in capture-group order. */
  readonly captures: readonly string[];
  /** Per template segment: 3 literal, 2 partly templated, 1 one-segment parameter, 0 multi-segment. */
  readonly rank: readonly number[];
}

interface Validators {
  readonly path: ValidateFunction;
  readonly query: ValidateFunction;
  readonly body: ValidateFunction | undefined;
}

const SCHEMA_REF = "#/components/schemas/";
const PARAMETER_REF = "#/components/parameters/";
const METHODS = ["get", "post", "put", "patch", "delete"] as const;

// ajv-formats is CommonJS with `exports.default`; under NodeNext its default import is the module object.
const addFormats = addFormatsModule.default;

let routes: readonly Route[] | undefined;
let components: Spec["components"] | undefined;
const validatorCache = new Map<Route, Validators>();
const bodyAjv = newAjv(false);
// Path and query values arrive as text: let ajv turn "1" into 1 before checking `integer`.
const parameterAjv = newAjv(true);

function newAjv(coerceTypes: boolean): Ajv {
  const ajv = new Ajv({ strict: false, allErrors: true, coerceTypes });
  addFormats(ajv);
  // GitHub's own format for `owner/name` (used by a few request bodies).
  ajv.addFormat("repo.nwo", /^[^/]+\/[^/]+$/);
  return ajv;
}

function loadRoutes(): readonly Route[] {
  if (routes !== undefined) return routes;
  const file = createRequire(import.meta.url).resolve("@octokit/openapi/generated/api.github.com.json");
  const spec = JSON.parse(readFileSync(file, "utf8")) as Spec;
  components = spec.components;
  const table: Route[] = [];
  for (const [template, item] of Object.entries(spec.paths)) {
    const shared = (item.parameters ?? []) as NonNullable<Operation["parameters"]>;
    for (const method of METHODS) {
      const operation = item[method] as Operation | undefined;
      if (operation !== undefined)
        table.push(
          toRoute(template, method, operation, [...shared, ...(operation.parameters ?? [])].map(resolveParameter)),
        );
    }
  }
  routes = table;
  return table;
}

function resolveParameter(parameter: Parameter | { $ref: string }): Parameter {
  if (!("$ref" in parameter)) return parameter;
  const resolved = components?.parameters[parameter.$ref.slice(PARAMETER_REF.length)];
  if (resolved === undefined) throw new Error(`github-openapi: unresolvable parameter ${parameter.$ref}`);
  return resolved;
}

function toRoute(template: string, method: string, operation: Operation, parameters: readonly Parameter[]): Route {
  const multiSegment = new Set(
    parameters.filter((p) => p.in === "path" && p["x-multi-segment"] === true).map((p) => p.name),
  );
  const captures: string[] = [];
  const rank: number[] = [];
  const source = template
    .split("/")
    .slice(1)
    .map((segment) => {
      const names = [...segment.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? "");
      captures.push(...names);
      const whole = names.length === 1 && segment === `{${names[0]}}`;
      rank.push(names.length === 0 ? 3 : !whole ? 2 : multiSegment.has(names[0] ?? "") ? 0 : 1);
      // A multi-segment parameter (`{ref}` = `heads/main`) may span raw slashes; octokit encodes them.
      const any = whole && multiSegment.has(names[0] ?? "") ? "(.+)" : "([^/]+)";
      return segment
        .split(/\{[^}]+\}/)
        .map(escapeRegExp)
        .join(any);
    })
    .join("/");
  return { template, method, operation, parameters, pattern: new RegExp(`^/${source}$`), captures, rank };
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Literal segments beat templates, segment by segment from the left (`issues/events`
 * is not issue number "events"); then the longer template, so a multi-segment `{ref}`
 * does not swallow `/status`. Exported for its own test: the spec lists paths
 * alphabetically, which puts literals first and would hide a broken ranking.
 */
export function compareRouteRank(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (b[i] ?? 0) - (a[i] ?? 0);
    if (d !== 0) return d;
  }
  return b.length - a.length;
}

// The same paths come back again and again in a suite (one issue, its labels, its comments).
const templateCache = new Map<string, { template: string; routes: Route[] } | undefined>();

function findTemplate(path: string): { template: string; routes: Route[] } | undefined {
  if (templateCache.has(path)) return templateCache.get(path);
  const found = matchTemplate(path);
  templateCache.set(path, found);
  return found;
}

function matchTemplate(path: string): { template: string; routes: Route[] } | undefined {
  const matching = loadRoutes().filter((route) => route.pattern.test(path));
  const best = matching.sort((a, b) => compareRouteRank(a.rank, b.rank))[0];
  if (best === undefined) return undefined;
  return { template: best.template, routes: matching.filter((route) => route.template === best.template) };
}

/** Checks one request against GitHub's REST description; see the file header for what is checked. */
export function checkGitHubRequest(request: GitHubRequest): GitHubRequestCheck {
  const method = request.method.toLowerCase();
  const queryAt = request.path.indexOf("?");
  const path = queryAt === -1 ? request.path : request.path.slice(0, queryAt);
  const query = queryAt === -1 ? "" : request.path.slice(queryAt + 1);
  const found = findTemplate(path);
  if (found === undefined) return { ok: false, problem: `${path} is not a path in GitHub's REST description` };
  const route = found.routes.find((candidate) => candidate.method === method);
  if (route === undefined) {
    const allowed = found.routes.map((candidate) => candidate.method.toUpperCase()).join(", ");
    return { ok: false, problem: `${method.toUpperCase()} is not allowed on ${found.template} (allowed: ${allowed})` };
  }
  const problems = [...checkPath(route, path), ...checkQuery(route, query), ...checkBody(route, request.body)];
  if (problems.length > 0)
    return {
      ok: false,
      problem: `${route.operation.operationId} (${method.toUpperCase()} ${route.template}): ${problems.join("; ")}`,
    };
  return { ok: true, operationId: route.operation.operationId };
}

function checkPath(route: Route, path: string): string[] {
  const match = route.pattern.exec(path);
  const values: JsonObject = {};
  const problems: string[] = [];
  route.captures.forEach((name, i) => {
    const raw = match?.[i + 1] ?? "";
    try {
      values[name] = decodeURIComponent(raw);
    } catch {
      problems.push(`path parameter ${name} is not valid percent-encoding: ${raw}`);
    }
  });
  if (problems.length > 0) return problems;
  return ajvProblems(validatorsFor(route).path, values, "path parameter");
}

function checkQuery(route: Route, query: string): string[] {
  const params = new URLSearchParams(query);
  const declared = new Map(route.parameters.filter((p) => p.in === "query").map((p) => [p.name, p]));
  const values: JsonObject = {};
  const problems: string[] = [];
  for (const name of new Set(params.keys())) {
    const parameter = declared.get(name);
    const given = params.getAll(name);
    if (parameter === undefined) problems.push(`unknown query parameter ${name}`);
    // octokit sends arrays comma-joined (`labels=a,b`), which is what GitHub parses.
    else if (isArraySchema(parameter.schema)) values[name] = given.flatMap((value) => value.split(","));
    else if (given.length > 1) problems.push(`query parameter ${name} given ${given.length} times`);
    else values[name] = given[0];
  }
  return [...problems, ...ajvProblems(validatorsFor(route).query, values, "query parameter")];
}

function isArraySchema(schema: unknown): boolean {
  return isObject(schema) && schema.type === "array";
}

function checkBody(route: Route, body: unknown): string[] {
  const requestBody = route.operation.requestBody;
  const absent = body === undefined || body === "";
  if (absent) return requestBody?.required === true ? ["the operation requires a request body and none was sent"] : [];
  if (requestBody === undefined) return ["the operation takes no request body, but one was sent"];
  const validate = validatorsFor(route).body;
  // Only JSON bodies are described as schemas; markdown text and release assets have none.
  if (validate === undefined) return [];
  const parsed = parseJsonBody(body);
  if (parsed.kind === "not-json") return [`the request body is not JSON: ${parsed.text.slice(0, 80)}`];
  return ajvProblems(validate, parsed.value, "body");
}

function parseJsonBody(body: unknown): { kind: "json"; value: unknown } | { kind: "not-json"; text: string } {
  if (typeof body !== "string") return { kind: "json", value: body };
  try {
    return { kind: "json", value: JSON.parse(body) as unknown };
  } catch {
    return { kind: "not-json", text: body };
  }
}

function ajvProblems(validate: ValidateFunction, value: unknown, what: string): string[] {
  if (validate(value)) return [];
  // `oneOf` branches can report the same error more than once.
  return [...new Set((validate.errors ?? []).map((error) => describeError(error, what)))];
}

/** "body at /labels/0: must be string"; parameters are named by their own property ("query parameter state: ..."). */
function describeError(error: ErrorObject, what: string): string {
  const subject =
    error.instancePath === ""
      ? what
      : what === "body"
        ? `body at ${error.instancePath}`
        : `${what} ${error.instancePath.slice(1)}`;
  if (error.keyword === "additionalProperties")
    return `${subject}: has unknown property ${String(error.params.additionalProperty)}`;
  if (error.keyword === "enum") return `${subject}: must be one of ${JSON.stringify(error.params.allowedValues)}`;
  return `${subject}: ${error.message ?? error.keyword}`;
}

function validatorsFor(route: Route): Validators {
  const cached = validatorCache.get(route);
  if (cached !== undefined) return cached;
  const validators: Validators = {
    path: parameterAjv.compile(toParametersSchema(route.parameters.filter((p) => p.in === "path"))),
    query: parameterAjv.compile(toParametersSchema(route.parameters.filter((p) => p.in === "query"))),
    body: toBodyValidator(route.operation),
  };
  validatorCache.set(route, validators);
  return validators;
}

function toParametersSchema(parameters: readonly Parameter[]): JsonObject {
  const properties: JsonObject = {};
  for (const parameter of parameters) properties[parameter.name] = parameter.schema ?? {};
  const required = parameters.filter((p) => p.required === true).map((p) => p.name);
  return toSelfContained({ type: "object", properties, required }, false);
}

function toBodyValidator(operation: Operation): ValidateFunction | undefined {
  const schema = operation.requestBody?.content?.["application/json"]?.schema;
  return schema === undefined ? undefined : bodyAjv.compile(toSelfContained(schema, true));
}

/**
 * Turns an OpenAPI 3.0 schema into a JSON schema ajv can compile on its own: component
 * `$ref`s become local `definitions`, and `nullable` becomes a `null` type. With `close`,
 * the operation's own object schemas refuse unknown properties: GitHub ignores them
 * silently, so a misspelt field would otherwise pass here and do nothing there. Shared
 * components and `allOf` members stay open, since they are combined with other schemas.
 */
function toSelfContained(root: unknown, close: boolean): JsonObject {
  const definitions: JsonObject = {};
  const pending: string[] = [];
  const converted = toAjvSchema(root, close, pending);
  while (pending.length > 0) {
    const name = pending.pop() ?? "";
    if (name in definitions) continue;
    definitions[name] = {};
    definitions[name] = toAjvSchema(components?.schemas[name] ?? {}, false, pending);
  }
  return { ...(isObject(converted) ? converted : {}), definitions };
}

function toAjvSchema(node: unknown, close: boolean, pending: string[]): unknown {
  if (!isObject(node)) return node;
  if (typeof node.$ref === "string") {
    const name = node.$ref.slice(SCHEMA_REF.length);
    pending.push(name);
    return { $ref: `#/definitions/${name.replace(/~/g, "~0").replace(/\//g, "~1")}` };
  }
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "example" || key === "nullable") continue;
    out[key] = toAjvKeyword(key, value, close, pending);
  }
  if (close && isObject(out.properties) && out.additionalProperties === undefined) out.additionalProperties = false;
  return node.nullable === true ? toNullable(out) : out;
}

function toAjvKeyword(key: string, value: unknown, close: boolean, pending: string[]): unknown {
  switch (key) {
    case "properties":
    case "patternProperties":
      return Object.fromEntries(
        Object.entries(value as JsonObject).map(([name, schema]) => [name, toAjvSchema(schema, close, pending)]),
      );
    case "items":
    case "additionalProperties":
    case "not":
      return toAjvSchema(value, close, pending);
    case "oneOf":
    case "anyOf":
      return (value as unknown[]).map((schema) => toAjvSchema(schema, close, pending));
    case "allOf":
      return (value as unknown[]).map((schema) => toAjvSchema(schema, false, pending));
    default:
      return value;
  }
}

/** OpenAPI 3.0 `nullable: true`: GitHub uses it with and without `type`, and with enums that omit null. */
function toNullable(schema: JsonObject): JsonObject {
  if (typeof schema.type !== "string") return { anyOf: [{ type: "null" }, schema] };
  const nullable: JsonObject = { ...schema, type: [schema.type, "null"] };
  if (Array.isArray(schema.enum)) nullable.enum = [...(schema.enum as unknown[]), null];
  return nullable;
}

function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---------------------------------------------------------------------------
// The nock guard.
//
// How it sees requests in nock 14: a matched request makes nock emit the documented
// scope event `request` (req, interceptor, body) just before it plays the reply back.
// Scopes are made by the tests, so to see every one of them, including scopes made
// after the guard is installed, the guard wraps `emit` on nock's Scope prototype
// (reached through a throwaway scope, which registers nothing). Passing a scope
// instead listens on that scope alone. A request no interceptor matches makes nock
// emit `no match` on `nock.emitter`: the guard records those for api.github.com too,
// since they would otherwise reach the network (with `nock.disableNetConnect()`, which
// the caller sets, they also fail in the code under test). A violation does not change
// the reply; `assertNoOpenApiViolations()` in `afterEach` turns them into a failure.

const GITHUB_HOST = "api.github.com";
const violations: string[] = [];

type Emit = (this: nock.Scope, event: string | symbol, ...args: unknown[]) => boolean;

interface SeenRequest {
  readonly host: string;
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

let installed = false;

/**
 * Starts checking nock-intercepted api.github.com requests; returns the function that
 * stops it. One guard at a time: a second would record every violation twice.
 */
export function installGitHubOpenApiGuard(scope?: nock.Scope): () => void {
  if (installed) throw new Error("the GitHub OpenAPI guard is already installed: call the function it returned first");
  installed = true;
  const onRequest = (req: unknown, _interceptor: unknown, body: unknown): void =>
    recordIfBad(toSeenRequest(req, body), false);
  const onNoMatch = (...args: unknown[]): void => recordIfBad(toUnmatchedRequest(args), true);
  nock.emitter.on("no match", onNoMatch);
  if (scope !== undefined) scope.on("request", onRequest);
  const restoreEmit = scope === undefined ? wrapScopeEmit(onRequest) : () => undefined;
  let active = true;
  return () => {
    if (!active) return;
    active = false;
    installed = false;
    nock.emitter.off("no match", onNoMatch);
    scope?.off("request", onRequest);
    restoreEmit();
  };
}

function wrapScopeEmit(onRequest: (req: unknown, interceptor: unknown, body: unknown) => void): () => void {
  const prototype = Object.getPrototypeOf(nock(`https://${GITHUB_HOST}`)) as { emit: Emit };
  const hadOwn = Object.hasOwn(prototype, "emit");
  const original = prototype.emit;
  prototype.emit = function (this: nock.Scope, event: string | symbol, ...args: unknown[]): boolean {
    if (event === "request") onRequest(args[0], args[1], args[2]);
    return original.call(this, event, ...args);
  };
  return () => {
    if (hadOwn) prototype.emit = original;
    else delete (prototype as Partial<{ emit: Emit }>).emit;
  };
}

/** Throws, listing every request the guard found bad since the last call, and forgets them. */
export function assertNoOpenApiViolations(): void {
  const found = takeOpenApiViolations();
  if (found.length > 0)
    throw new Error(`GitHub requests that break GitHub's REST description:\n- ${found.join("\n- ")}`);
}

/** The violations recorded since the last call, forgotten once returned (for tests that make a bad call on purpose). */
export function takeOpenApiViolations(): string[] {
  return violations.splice(0, violations.length);
}

function recordIfBad(request: SeenRequest | undefined, unmatched: boolean): void {
  if (request === undefined || request.host !== GITHUB_HOST) return;
  const check = checkGitHubRequest(request);
  const verdict = check.ok ? `in the spec as ${check.operationId}` : check.problem;
  if (unmatched) violations.push(`${request.method} ${request.path}: no nock interceptor matched (${verdict})`);
  else if (!check.ok) violations.push(`${request.method} ${request.path}: ${check.problem}`);
}

function toSeenRequest(req: unknown, body: unknown): SeenRequest | undefined {
  if (!isObject(req) || typeof req.method !== "string" || typeof req.path !== "string") return undefined;
  return {
    host: toHost(req),
    method: req.method.toUpperCase(),
    path: req.path,
    body: typeof body === "string" ? body : "",
  };
}

/** Request options carry `hostname`; nock's ClientRequest for a fetch carries only a Host header. */
function toHost(req: JsonObject): string {
  const getHeader = req.getHeader;
  const header =
    typeof getHeader === "function" ? (getHeader as (name: string) => unknown).call(req, "host") : undefined;
  const host = [req.hostname, req.host, header].find((value): value is string => typeof value === "string") ?? "";
  return host.split(":")[0] ?? "";
}

/** nock emits `no match` as (options), (request) or (request, options, body) depending on where it gave up. */
function toUnmatchedRequest(args: readonly unknown[]): SeenRequest | undefined {
  return args.length >= 2 ? toSeenRequest(args[1], args[2]) : toSeenRequest(args[0], undefined);
}

// The connection pool for the API server, trusting the cluster's CA.
//
// In a cluster the API server's certificate is signed by the cluster CA, mounted at
// `/var/run/secrets/kubernetes.io/serviceaccount/ca.crt`; undici is given exactly that
// CA (which replaces the default trust store for this pool). When the CA file does not
// exist, the pool keeps Node's default trust store: that serves an API server behind a
// publicly trusted certificate (a managed cluster's public endpoint, a proxy) with
// `AFK_KUBE_API_URL` alone. A CA file that exists but cannot be read, or holds no PEM
// certificate, is a `tls` fault rather than a silent fallback: trusting the public CAs
// instead of the configured one would be the wrong trust decision. A plain `http://`
// URL (a `kubectl proxy`, tests) reads no CA at all.

import { Agent } from "undici";
import { failure, type Result } from "../../ports/result.js";
import { errorCode } from "../http/http-common.js";

export interface KubeAgentOptions {
  readonly apiUrl: string;
  readonly caFile: string;
  readonly readFile: (path: string) => Promise<string | Buffer>;
  readonly connectTimeoutMs: number;
}

const PEM_CERTIFICATE = "-----BEGIN CERTIFICATE-----";

function tlsFault(what: string, why: string): Result<never> {
  return failure("kubernetes", "unauthorized", `${what}: ${why}`, { detail: "tls" });
}

export async function createKubeAgent(options: KubeAgentOptions, what: string): Promise<Result<Agent>> {
  const connect = { timeout: options.connectTimeoutMs };
  if (!options.apiUrl.toLowerCase().startsWith("https:")) return { ok: true, value: new Agent({ connect }) };
  let ca: string;
  try {
    ca = String(await options.readFile(options.caFile));
  } catch (error) {
    const code = errorCode(error);
    if (code === "ENOENT") return { ok: true, value: new Agent({ connect }) };
    return tlsFault(what, `cannot read the CA file ${options.caFile} (${code ?? "unreadable"})`);
  }
  if (!ca.includes(PEM_CERTIFICATE)) return tlsFault(what, `the CA file ${options.caFile} holds no PEM certificate`);
  return { ok: true, value: new Agent({ connect: { ...connect, ca } }) };
}

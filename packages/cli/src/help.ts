/** The `--help` texts. */

/** `meshauth --help`. */
export const MAIN_HELP = `meshauth: check, explain and lint Istio AuthorizationPolicy manifests with Istio's semantics

Usage:
  meshauth check   -f <file|dir> [options] (--request <file|json> | --requests <file.jsonl> | -)
  meshauth explain -f <file|dir> [options] (--request <file|json> | --requests <file.jsonl> | -)
  meshauth lint    -f <file|dir> [--json] [--ignore MA005,...] [--tcp]
  meshauth <command> --help
  meshauth --version

Commands:
  check     decide requests as the workload's sidecar would: allowed or denied, and by which rule
  explain   the same decision, then every policy and rule considered and why each matched or not
  lint      validation errors and warnings about rules that never match or surprise

Exit codes: 0 allowed / clean, 1 denied or lint warnings, 2 usage, load or request errors.
`;

const WORKLOAD_OPTIONS = `Policies:
  -f, --filename <path>          file or directory (*.yaml, *.yml, *.json; not recursive), repeatable;
                                 multi-document YAML and List objects are read; - reads stdin
      --default-namespace <ns>   namespace of manifests without metadata.namespace
                                 (default: --namespace, as kubectl apply -n; else "default")

Workload:
  -n, --namespace <ns>           the workload's namespace (default: the namespace of the policies
                                 when they all share one, root namespace aside; else "default")
  -l, --labels <k=v,...>         the workload's labels, matched against spec.selector (repeatable)
      --root-namespace <ns>      meshConfig.rootNamespace (default istio-system)
      --trust-domain <td>        meshConfig.trustDomain (default cluster.local)
      --trust-domain-alias <td>  meshConfig.trustDomainAliases (repeatable, comma-separated)
      --extension-provider <n>   meshConfig.extensionProviders names; CUSTOM policies naming
                                 another provider fail closed (repeatable, comma-separated)
      --space-delimited-claims <c>  claims split on spaces besides scope and permission

Requests (exactly one):
      --request <file|json|->    one JSON request: a file, inline JSON ('{"path":"/x"}') or - (stdin)
      --requests <file|->        JSON Lines, one request a line; a bad line is reported with its
                                 line number and the others are still decided
  -                              JSON Lines on stdin

Output:
      --assume-custom <allow|deny>  what CUSTOM (ext_authz) providers answer; without it a request
                                 that reaches a provider counts as denied
      --json                     one JSON object per request and line
  -h, --help                     this help

Request fields (Istio's attributes): method, path, host, headers, source.{principal,namespace,ip,port},
remoteIp, destination.{ip,port}, sni, auth.{principal,audiences,presenter,claims}; plus name (a label)
and expect ("allow" | "deny"). Unknown fields are errors.
`;

/** `meshauth check --help`. */
export const CHECK_HELP = `meshauth check: decide requests against AuthorizationPolicy manifests

Usage: meshauth check -f <file|dir> [options] (--request <file|json> | --requests <file.jsonl> | -)

Prints, per request: allowed or denied, the deciding action and rule (ns[NS]-policy[NAME]-rule[i]),
dry-run results and the AUDIT rule that matched.

${WORKLOAD_OPTIONS}
Exit codes: 0 every request allowed (or as its "expect" says), 1 a request denied (or not as its
"expect" says), 2 usage, load or request errors.
`;

/** `meshauth explain --help`. */
export const EXPLAIN_HELP = `meshauth explain: decide requests and show why

Usage: meshauth explain -f <file|dir> [options] (--request <file|json> | --requests <file.jsonl> | -)

Prints the decision as "meshauth check" does, then every policy in scope, each rule, each field
([+] matched, [-] did not) with what the request carried, and the policies not in scope and why.

${WORKLOAD_OPTIONS}
Exit codes: as "meshauth check".
`;

/** `meshauth lint --help`. */
export const LINT_HELP = `meshauth lint: find AuthorizationPolicy mistakes

Usage: meshauth lint -f <file|dir> [-f ...] [--json] [--ignore MA005,...] [--tcp]

Options:
  -f, --filename <path>          file or directory (repeatable); - reads stdin
      --default-namespace <ns>   namespace of manifests without metadata.namespace (default "default")
      --ignore <codes>           codes not to report (repeatable, comma-separated)
      --tcp                      the workloads also serve plain TCP ports: report ALLOW rules that
                                 cannot allow TCP traffic (MA018)
      --json                     one JSON object per error or warning and line
  -h, --help                     this help

Codes:
  MA001  principal not in <trust-domain>/ns/<namespace>/sa/<service-account> form: never matches
  MA002  spiffe:// in a principal or namespace: never matches
  MA003  notPaths in an ALLOW policy does not deny those paths
  MA004  DENY/CUSTOM rule with HTTP-only fields and no ports: hits all TCP traffic
  MA005  ipBlocks / source.ip match the direct peer, not the client behind a proxy
  MA006  DENY rule with only negative (notX) matches: denies almost everything
  MA007  host without port (Host: x:8080 escapes), or a host prefix (x.com* matches x.com.evil)
  MA008  lower-case method: never matches
  MA009  path without a leading /: never matches
  MA010  * in the middle of a value: a literal character
  MA011  ?query or #fragment in a path: never matches
  MA012  DENY on an exact path leaves its sub-paths and trailing slash open
  MA013  ALLOW with only negative identity fields admits plaintext requests
  MA014  istio.io/dry-run value that is not a boolean: the policy is enforced
  MA015  selector without labels
  MA016  when condition Istio cannot build
  MA017  other validation warning
  MA018  ALLOW rule dropped on TCP ports (with --tcp)

Exit codes: 0 clean, 1 warnings, 2 usage errors or policies that do not load.
`;

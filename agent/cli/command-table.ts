import { Argument, Option } from 'commander';
import type { Io } from './io.ts';
import type { Context } from './main.ts';
import { collect, docsPathOrUrl, httpUrl, nonEmpty, ownerRepo, remoteName, vendorName, wholeNumber } from './option-values.ts';

/**
 * The CLI's surface in one table: every command, its arguments and options with their help, and
 * where its implementation lives (loaded only when that command runs, so `--help` and a usage error
 * stay fast). agent/cli/program.ts turns this table into a commander program.
 */

/** What a command's implementation exports. `opts` are commander's parsed options, camelCased. */
export interface CommandModule<O = Record<string, unknown>> {
  run(args: string[], opts: O, io: Io, ctx: Context): Promise<number>;
}

export interface CommandSpec {
  name: string;
  arguments: Argument[];
  /** One line, in the list of commands. */
  summary: string;
  /** Paragraphs shown by `fetchwright <command> --help` above the options. */
  description: string;
  options: () => Option[];
  load(): Promise<CommandModule<never>>;
  /** false: main writes no audit line for it (`audit verify` reads the log: a broken one must stay verifiable). */
  audited?: false;
}

const SEED_MAX = 2 ** 31 - 1;

const seed = (fallback?: number) => {
  const o = new Option('--seed <n>', 'seed for the synthetic identities').argParser(wholeNumber(0, SEED_MAX));
  return fallback === undefined ? o : o.default(fallback);
};
const json = (what: string) => new Option('--json', what);
const vendor = () => new Option('--vendor <name>', 'the vendor\'s short name, when the docs\' title does not give it (generate names the connector folder and the PR branch after it)').argParser(vendorName);
const docs = () => new Argument('<docs>', 'an OpenAPI 3.x / Swagger 2.0 file, or a folder of one API\'s split specs and Markdown pages; or a web reference: HTML, Markdown or reStructuredText pages (a file or folder; Sphinx _sources/*.rst.txt too), or their http(s):// URL, rendered in Chromium and crawled within its folder').argParser(docsPathOrUrl);
const connectorDir = () => new Argument('<connector-dir>', 'a folder written by fetchwright generate (e.g. connectors/okta)').argParser(nonEmpty);
const planner = () => [
  new Option('--planner <kind>', 'heuristic: the embedded planner, no network (the default); llm: a model reads the docs through read-only tools (OPENAI_API_KEY, OPENAI_BASE_URL, --model), every decision gated, the heuristic plan when it gives none; auto: the heuristic plan, a model asked only where the heuristics doubted; with llm and auto a failed proof is handed to the model once to repair').choices(['heuristic', 'llm', 'auto']).default('heuristic'),
  new Option('--model <name>', 'with --planner llm or auto: the model the endpoint serves (e.g. gpt-4.1, or llama3.1 on a local Ollama)').argParser(nonEmpty),
  new Option('--model-timeout <seconds>', 'with --planner llm or auto: how long one request waits for the model, 1 to 600 seconds (default 120; a silent endpoint costs 4 times this: the request and 3 retries)').argParser(wholeNumber(1, 600)),
];
const observed = () => new Option('--observed <file>', 'the shapes a live run observed (`fetchwright run --observe`): evidence stronger than the docs where they disagree').argParser(nonEmpty);

/** The options `pr` and `generate --pr` share; `repo` is required by `pr` itself. */
export function prOptions(repoRequired: boolean): Option[] {
  const repo = new Option('--repo <path>', 'the git working tree of your team\'s connectors repository').argParser(nonEmpty);
  return [
    repoRequired ? repo.makeOptionMandatory() : repo,
    new Option('--github <owner/repo>', 'push the branch and open a draft pull request there (needs a human-provided GITHUB_TOKEN)').argParser(ownerRepo),
    repoRequired ? new Option('--remote <name>', 'the git remote to push to').argParser(remoteName).default('origin') : new Option('--remote <name>', 'the git remote to push to (default: "origin")').argParser(remoteName),
    new Option('--requested-by <who>', 'who asked for this connector, for the change record (default: your git identity)').argParser(nonEmpty),
    new Option('--github-api <url>', 'the GitHub API base URL, for GitHub Enterprise Server').argParser(httpUrl),
  ];
}

export const COMMANDS: CommandSpec[] = [
  {
    name: 'plan',
    arguments: [docs()],
    summary: 'which identity streams a connector would fetch, how it would authenticate and page, and why',
    description:
      'Reads an OpenAPI 3.x / Swagger 2.0 description (a file, or a folder of one API\'s split specs and\n' +
      'Markdown pages) and prints which identity streams a connector would fetch, how it authenticates and\n' +
      'pages, and the docs\' words each decision rests on. Changes nothing on disk unless --out.',
    options: () => [
      json('print the plan as JSON on stdout (the machine contract: agent/plan/connector-plan.ts)'),
      new Option('--out <file>', 'also write the plan as JSON to FILE (written whole or not at all)').argParser(nonEmpty),
      new Option('--verbose', 'also show each stream\'s field mapping and every evidence quote in full'),
      vendor(),
      observed(),
      ...planner(),
    ],
    load: () => import('../commands/plan.ts'),
  },
  {
    name: 'generate',
    arguments: [docs()],
    summary: 'render the connector from approved templates and prove it in the sandbox',
    description:
      'Plans a connector from the docs, renders it from approved templates, and proves it in an isolated-vm\n' +
      'sandbox against a mock of the vendor API seeded with synthetic identities. Writes DIR/<vendor>/\n' +
      '(fetcher.ts, plan.json, manifest.json, scorecard.json, VALIDATION.md, api-model.json, attempts.json).\n' +
      'Exits 0 when every seeded identity came back exactly once and correctly mapped, 9 when not.\n\n' +
      'Regenerating keeps what was proved: when DIR/<vendor>/ holds a passing connector and the new proof\n' +
      'fails, the passing one stays and the failing one is written to DIR/<vendor>.failed/ (exit 9); a new\n' +
      'passing connector replaces the old one and removes DIR/<vendor>.failed/. Ctrl-C or SIGTERM leaves\n' +
      'the old connector or the new one whole (exit 130 or 143). A folder holding files fetchwright does not\n' +
      'write there is refused before any work (exit 25) unless --force.\n\n' +
      'With --pr it then does what `fetchwright pr` does (see `fetchwright pr --help`).',
    options: () => [
      new Option('--out <dir>', 'where to write the connector folder').argParser(nonEmpty).default('connectors'),
      seed(1),
      json('print {vendor, dir, verdict, kept_previous, failed_dir, scorecard, attempts} as JSON on stdout (with --pr, also pr: {branch, commit, base, body, signed, pull_request})'),
      new Option('--force', 'generate even when the assessment recommends a manual build, and replace DIR/<vendor>/ even when it holds files fetchwright did not write (they are deleted)'),
      new Option('--max-attempts <n>', 'how many pagination readings to try when the proof fails').argParser(wholeNumber(1, 10)).default(3),
      vendor(),
      observed(),
      ...planner(),
      new Option('--pr', 'then commit it on a new branch of --repo and propose it, as `fetchwright pr` does'),
      ...prOptions(false),
    ],
    load: () => import('../commands/generate.ts'),
  },
  {
    name: 'validate',
    arguments: [connectorDir()],
    summary: 're-run the sandbox proof of a connector on disk, as it is now',
    description:
      'Re-runs the sandbox proof of a connector on disk, as it is now: its fetcher.ts against the mock built\n' +
      'from its api-model.json, with the seed its scorecard recorded (or --seed). Changes nothing on disk.\n' +
      'Only template code is run: a fetcher.ts that is not what the approved templates render from plan.json\n' +
      'is refused (exit 12). Exits 0 on pass, 9 on fail, naming the cause.',
    options: () => [seed(), json('print the scorecard as JSON on stdout')],
    load: () => import('../commands/validate.ts'),
  },
  {
    name: 'mock',
    arguments: [docs()],
    summary: 'serve the synthetic mock of the vendor API on 127.0.0.1 to explore',
    description:
      'Serves the same synthetic mock of the vendor API that validation uses, on 127.0.0.1:N, until\n' +
      'interrupted, and prints one line per request. It prints the synthetic placeholder credentials to\n' +
      'send (never real ones). Like in validation, the first request to each list answers 429 and a later\n' +
      'page 503; --no-faults turns that off. With --observed it serves the shapes a live run observed, as\n' +
      'generate --observed proves against.',
    options: () => [
      new Option('--port <n>', 'required: the port on 127.0.0.1 to listen on (0: any free port)').argParser(wholeNumber(0, 65535)).makeOptionMandatory(),
      observed(),
      seed(1),
      new Option('--no-faults', 'answer without the 429 and 503 faults'),
    ],
    load: () => import('../commands/mock.ts'),
  },
  {
    name: 'pr',
    arguments: [connectorDir()],
    summary: 'commit a proved connector with a signed change record on a new branch; a draft PR with --github',
    description:
      'Commits a proved connector to a new branch fetchwright/<vendor>-<hash> of the repository at --repo, under\n' +
      'connectors/<vendor>/, with a change record signed by FETCHWRIGHT_SIGNING_KEY (ed25519 PEM) and the PR\n' +
      'body in PULL_REQUEST.md. Never touches the default branch, never merges, never force-pushes. With\n' +
      '--github and a human-provided GITHUB_TOKEN it pushes the branch to --remote and opens a draft pull\n' +
      'request; without it, the body is printed. A failed pr leaves the connector folder as it was. Before it\n' +
      'signs, pr re-renders fetcher.ts from plan.json with the approved templates and runs the sandbox proof\n' +
      'itself: any difference from what generate wrote and proved is refused (exit 15).',
    options: () => [...prOptions(true), json('print {branch, commit, base, body, signed, pull_request} as JSON on stdout')],
    load: () => import('../commands/pr.ts'),
  },
  {
    name: 'run',
    arguments: [connectorDir()],
    summary: 'run a proved connector against the live API, with a credential you provide',
    description:
      'Runs a proved connector against the live API — test it against a non-production endpoint first — in\n' +
      'the same sandbox and egress gate as the proof. The credential is read from the environment variable\n' +
      'you name and added at the gate for the base URL\'s exact origin only; it never enters the connector,\n' +
      'the records, the report or the logs. https, or plain http to a loopback test server only.\n\n' +
      'OAuth 2.0 client credentials (RFC 6749 §4.4): with --client-id-env and --client-secret-env the host\n' +
      'obtains the access token at the docs\' token URL (or --token-url), renews it before it expires and\n' +
      'once when the API answers 401, and injects it like any credential. The client secret goes to the token\n' +
      'endpoint only; a docs\' token URL on another origin than the API\'s is refused unless given as --token-url.\n' +
      'The report names every difference between the answers and what the connector reads (drift), breaking\n' +
      'or not; --observe writes the shapes the API answered with, no value kept, for generate --observed.\n' +
      'Exits 0 when every stream saw its whole list, 29 when the credential (or the OAuth 2.0 client) was\n' +
      'refused, else 30 when the API answered in a shape the connector does not read, else 28 when a stream\n' +
      'did not see its whole list.',
    options: () => [
      new Option('--credential-env <var>', 'the environment variable holding the credential (scheme=VAR for each of several schemes)').argParser(collect(nonEmpty)),
      new Option('--client-id-env <var>', 'OAuth 2.0 client credentials: the environment variable holding the client id').argParser(nonEmpty),
      new Option('--client-secret-env <var>', 'OAuth 2.0 client credentials: the environment variable holding the client secret').argParser(nonEmpty),
      new Option('--token-url <url>', 'the token endpoint, instead of the docs\' token URL (needed when that is on another origin than the API)').argParser(nonEmpty),
      new Option('--client-auth <how>', 'how the client authenticates at the token endpoint: basic (HTTP Basic, the default) or post (in the form body)').choices(['basic', 'post']),
      new Option('--base-url <url>', 'the API\'s base URL (default: the plan\'s, placeholders from --tenant)').argParser(nonEmpty),
      new Option('--max-wait <seconds>', 'the longest wait before a retry when the API says to wait (Retry-After, a rate-limit reset), 1 to 3600 seconds; a shorter maximum the docs document still applies (default 30)').argParser(wholeNumber(1, 3600)),
      new Option('--tenant <name=value>', 'a value for a {placeholder} of the base URL or the paths (repeatable)').argParser(collect(nonEmpty)),
      new Option('--out <file>', 'write the records as JSON lines (written whole when the run ends)').argParser(nonEmpty),
      new Option('--report <file>', 'write the run report as JSON').argParser(nonEmpty),
      new Option('--observe <file>', 'write the shapes the API answered with, no value kept (for generate --observed), complete run or not').argParser(nonEmpty),
      json('print the run report as JSON on stdout'),
    ],
    load: () => import('../commands/run.ts'),
  },
  {
    name: 'expand',
    arguments: [],
    summary: 'work through a catalogue of vendors: generate what is missing or changed, skip what is not',
    description:
      'Works through a catalogue of vendors (YAML: vendors: [{vendor, docs, owner, priority, tenant, skip_streams,\n' +
      'observed}], docs relative to the catalogue) as a scheduled job would: a vendor whose inputs did not change\n' +
      'since its last successful run (its docs\' bytes, the approved templates, the request policy, fetchwright\'s\n' +
      'planner and the entry\'s options) is skipped in milliseconds; a new one is generated and proved; changed\n' +
      'docs are diffed against what its connector depends on (as `fetchwright drift` does) and it is\n' +
      'regenerated only when the connector would change (a breaking change, a new identity list). Vendors run\n' +
      'in parallel worker processes. A failure is retried by a later run, after 15 minutes doubled each time\n' +
      '(--retry-failed: now). A run stopped at any point (Ctrl-C, SIGKILL) resumes where it was.\n\n' +
      'Ends with the coverage summary: a table (or --json) on stdout, and coverage.json and coverage.md in the\n' +
      'state folder. With --pr, each new or changed connector is proposed as `fetchwright pr` does, one\n' +
      'branch per plan: the same change never opens a second PR. Exits 0 when every vendor is covered, 33\n' +
      'when some failed or wait for a retry, 34 when catalogue entries are invalid (the valid ones still run).',
    options: () => [
      new Option('--catalog <file>', 'required: the catalogue of vendors (YAML or JSON)').argParser(nonEmpty).makeOptionMandatory(),
      new Option('--state <dir>', 'the folder expand keeps its state in (default: expand/ in fetchwright\'s state folder, FETCHWRIGHT_STATE_DIR)').argParser(nonEmpty),
      new Option('--out <dir>', 'where to write the connector folders').argParser(nonEmpty).default('connectors'),
      new Option('--concurrency <n>', 'how many vendors to work on at once, each in its own process (default: the number of cores)').argParser(wholeNumber(1, 64)),
      seed(1),
      new Option('--max-attempts <n>', 'how many pagination readings to try when a proof fails').argParser(wholeNumber(1, 10)).default(3),
      new Option('--retry-failed', 'retry vendors that failed on the same inputs now, without waiting for their retry time'),
      ...planner(),
      new Option('--job-timeout <seconds>', 'stop a vendor\'s job that takes longer (it fails, and is retried later), 1 to 86400 seconds (default 1800)').argParser(wholeNumber(1, 86400)),
      json('print the coverage summary as JSON on stdout (fetchwright/coverage@1: agent/expand/coverage-summary.ts)'),
      new Option('--pr', 'propose each new or changed connector on a new branch of --repo, as `fetchwright pr` does'),
      ...prOptions(false),
      new Option('--queue <url>', 'queue the vendors\' jobs on BullMQ in this Redis (redis://HOST:PORT/DB, rediss:// for TLS; the password in FETCHWRIGHT_REDIS_PASSWORD) for `fetchwright worker` processes on any machines, instead of doing them here').argParser(nonEmpty),
      new Option('--wait', 'with --queue: wait for the jobs and end with the coverage summary, as a local run does (without it: end once they are queued)'),
    ],
    load: () => import('../commands/expand.ts'),
  },
  {
    name: 'worker',
    arguments: [],
    summary: 'do the vendors\' jobs `expand --queue` puts on a Redis queue, on this machine',
    description:
      'Takes vendors\' jobs from the BullMQ queue in Redis that `fetchwright expand --queue` fills, and does each\n' +
      'one as a local expand does, in a process of its own: ingest, plan, prove, write the connector and the\n' +
      'vendor\'s state (and with --pr, propose it). Run as many workers on as many machines as you like: each\n' +
      'job is done once, a job whose worker dies is taken back within about 20 seconds and done by another, a failure\n' +
      'that may pass is retried after 10 and 20 seconds. A worker takes the jobs of the state and connectors\n' +
      'folders and pull-request options it is started with (--state, --out, --pr --repo …: the expand run\'s,\n' +
      'the same paths on every machine, a shared file system); each has a queue of its own. A worker holds only its own secrets: GITHUB_TOKEN and FETCHWRIGHT_SIGNING_KEY for --pr jobs,\n' +
      'OPENAI_API_KEY for --planner llm or auto; none is ever put in the queue. Runs until Ctrl-C or SIGTERM\n' +
      '(its running jobs go back to the queue for another worker); exits 37 when Redis does not answer at start.',
    options: () => [
      new Option('--queue <url>', 'required: the Redis the expand run queues on (redis://HOST:PORT/DB, rediss:// for TLS; the password in FETCHWRIGHT_REDIS_PASSWORD)').argParser(nonEmpty).makeOptionMandatory(),
      new Option('--concurrency <n>', 'how many jobs to do at once, each in its own process (default: the number of cores)').argParser(wholeNumber(1, 64)),
      new Option('--state <dir>', 'the expand state folder the jobs are for (default: expand/ in fetchwright\'s state folder, FETCHWRIGHT_STATE_DIR)').argParser(nonEmpty),
      new Option('--out <dir>', 'the connectors folder the jobs are for').argParser(nonEmpty).default('connectors'),
      new Option('--pr', 'do the jobs of `expand --queue --pr` with these pull-request options (the worker\'s own: a job never chooses where this worker\'s token and key go)'),
      ...prOptions(false).filter((o) => o.long !== '--requested-by'),
    ],
    load: () => import('../commands/worker.ts'),
  },
  {
    name: 'verify',
    arguments: [connectorDir()],
    summary: 'check the signature and every hash of a connector\'s change record',
    description:
      'Checks a connector against its change record: the ed25519 signature, the sha256 of every file — a change\n' +
      'to any byte fails, naming the file — that plan, manifest and scorecard agree with the record, and that\n' +
      'fetcher.ts is exactly what the approved templates render from plan.json. A signature is only worth its\n' +
      'signer: pin it with --public-key. Without it, the signature can only be checked against the key the\n' +
      'record names itself, which anyone can replace, so verify says so and fails unless --trust-embedded-key.\n' +
      'Exits 0 when all holds, 16 when not.',
    options: () => [
      new Option('--rerun', 'also repeat the sandbox proof'),
      new Option('--public-key <pem>', 'the signer\'s ed25519 public key (PEM file): the signature must be by this key').argParser(nonEmpty),
      new Option('--docs <path>', 'the vendor\'s docs: read again, they must be the docs the plan was made from and give api-model.json as it is (without them, nothing ties the folder to the vendor\'s docs)').argParser(nonEmpty),
      new Option('--observed <file>', 'with --docs, for a plan made with observed shapes: the shapes file generate --observed read').argParser(nonEmpty),
      new Option('--trust-embedded-key', 'without --public-key: accept a signature checked only against the key the record names itself (the output says the signer was not pinned)'),
      new Option('--allow-unsigned', 'accept a change record without a signature (the hashes are still checked)'),
      json('print the result as JSON on stdout'),
    ],
    load: () => import('../commands/verify.ts'),
  },
  {
    name: 'drift',
    arguments: [connectorDir()],
    summary: 'what changed in the API a connector depends on: the vendor\'s new docs, a live run\'s report',
    description:
      'Compares what the connector depends on — its operations, parameters, pagination, auth, and every response\n' +
      'field its mapping reads — between the docs slice recorded in the connector (api-model.json) and the vendor\'s\n' +
      'new docs (--docs), and reads a live run\'s report (--report, from fetchwright run --report): drift in the\n' +
      'answers, calls outside the plan, Sunset and Deprecation headers with their dates. Each change is a finding\n' +
      'with a stable id, a level (breaking, additive, informational), the operation and where it is in the docs,\n' +
      'as oasdiff classifies API changes. Changes nothing on disk unless --markdown.\n' +
      'Exits 0 when nothing is breaking, 1 when something is (as oasdiff\'s --fail-on).',
    options: () => [
      new Option('--docs <path-or-url>', 'the vendor\'s new docs (a file, or a folder of one API\'s specs and pages; or a web reference\'s http(s):// URL, crawled in Chromium as plan crawls it)').argParser(docsPathOrUrl),
      new Option('--report <file>', 'a live run\'s report (fetchwright run --report FILE)').argParser(nonEmpty),
      new Option('--markdown <file>', 'also write the report as Markdown (for a pull request or a CI job summary)').argParser(nonEmpty),
      json('print the report as JSON on stdout (fetchwright/drift@1: agent/drift/drift-report.ts)'),
    ],
    load: () => import('../commands/drift.ts'),
  },
  {
    name: 'audit',
    arguments: [new Argument('<action>', 'verify: walk the audit log\'s hash chain').choices(['verify'])],
    summary: 'check the audit log\'s hash chain: any edited, removed or reordered line is named',
    description:
      'Walks the audit log (audit.jsonl in the state folder, or --file) line by line: each line must carry\n' +
      'the sha256 of the one before it and its own line number, and audit.head beside it the hash of the\n' +
      'last. Exits 0 with "N lines, chain intact", or 31 naming the first broken line and why (edited,\n' +
      'removed, reordered, cut mid-line, not JSON, not an audit entry) or a log that is a link. Changes\n' +
      'nothing, and adds no audit line of its own.',
    options: () => [
      new Option('--file <path>', 'the audit log to check, instead of the state folder\'s (a copy: checked against the .head beside it when there is one)').argParser(nonEmpty),
      json('print {file, lines, intact, head, broken: {line, reason, message}} as JSON on stdout'),
    ],
    load: () => import('../commands/audit.ts'),
    audited: false,
  },
];

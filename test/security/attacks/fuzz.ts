import type { Attack } from '../attack-suite.ts';
import type { Family } from '../fuzz/arbitraries.ts';
import { runFuzzJob } from '../fuzz/fuzz-worker-pool.ts';
import type { FuzzCase, SpecName } from '../fuzz/pipeline.ts';

/**
 * The fuzz class: property-based attacks (fast-check) over mutated real specs from shared/vendor-docs
 * (JupyterHub 3.0 and Snowflake's user API, OpenAPI 3.0 in YAML; Netlify, Swagger 2.0). Each attack draws
 * cases from one family of mutations (structure, hostile strings and `$ref`s, nesting, servers,
 * parameters, all mixed), the docs given as the one file or (one case in five) as a folder beside the
 * original, and runs each through ingest, plan, the plan as shown, and the render of the fetcher and
 * manifest; some also through the sandbox proof. The property: nothing but a FetchwrightError with an
 * exit code other than 1 and a one-line message (a list for `several-apis`) is ever thrown, and no case
 * hangs (a case over 30 s is stopped and reported, in a worker thread: see fuzz/fuzz-worker-pool.ts).
 * In CI: 474 generated cases (40 per attack; 25 for nesting, 12 for the proof attacks) and the regressions.
 *
 * Seeded and bounded, so CI runs the same cases every time. To fuzz longer, set FETCHWRIGHT_FUZZ_RUNS
 * (cases per attack, default below) and FETCHWRIGHT_FUZZ_SEED (a number; default the fixed seeds):
 *
 *     FETCHWRIGHT_FUZZ_RUNS=2000 FETCHWRIGHT_FUZZ_SEED=$RANDOM npx vitest run test/security/fuzz.test.ts
 *
 * A failure prints the shrunk case with its targets as JSON pointers: add it to REGRESSIONS below,
 * fix the code, and keep it.
 */

/** Cases per property attack in CI: the class stays under a minute on two cores. */
const DEFAULT_RUNS = 40;

function runs(base: number): number {
  const n = Number(process.env.FETCHWRIGHT_FUZZ_RUNS || 'none');
  return Number.isInteger(n) && n > 0 ? n : base;
}

/** Time one attack may take: generous for the default runs, grown with FETCHWRIGHT_FUZZ_RUNS (hangs are caught per case, not by this). */
export const FUZZ_ATTACK_TIMEOUT_MS = Math.max(300_000, runs(DEFAULT_RUNS) * 3_000);

function seed(fixed: number): number {
  const n = Number(process.env.FETCHWRIGHT_FUZZ_SEED || 'none');
  return Number.isInteger(n) ? n + fixed : fixed;
}

function verdict(what: string, result: { runs: number; failures: string[] }): string | undefined {
  return result.failures.length ? `${what}: got through after ${result.runs} cases: ${result.failures.join(' | ')}` : undefined;
}

function property(name: string, spec: SpecName, family: Family, fixedSeed: number, numRuns = DEFAULT_RUNS, proofEvery?: number): Attack {
  return {
    name,
    layer: 'other',
    attempt: async () => verdict(name, await runFuzzJob({ kind: 'property', spec, family, seed: seed(fixedSeed), numRuns: runs(numRuns), ...(proofEvery ? { proofEvery } : {}) })),
  };
}

/** An object as JSON.parse makes it from `{"toString":"x","valueOf":"y"}`: `String()` of it throws. */
const POISONED = JSON.parse('{"toString":"x","valueOf":"y"}') as unknown;

const USERS_GET = '/paths/~1users/get';
const USERS_ITEMS = `${USERS_GET}/responses/200/content/application~1json/schema/items`;

/**
 * Counter-examples found by the fuzz (shrunk, as it printed them), and the reported inputs of the same
 * kinds on a real spec, kept as fixed cases: each was an internal error before its fix. A case that
 * no longer applies to its spec is reported, not skipped.
 */
export const REGRESSIONS: { name: string; cases: FuzzCase[]; proof?: boolean }[] = [
  {
    // Found by 'servers' (seed 1006) and 'mixed' (seed 1009): String() of a variable's enum member; the
    // other places the reader turned a docs value into text the same way, found by the same kind of case.
    name: 'objects with their own toString where the reader expects text (server variables, tags, scopes, schemes, produces, swagger)',
    cases: [
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'https://api.example.test/{base}', variables: { base: { enum: [POISONED] } } }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'http://user@ex%zzample.test:-1/{a}/{b}', variables: { a: {}, b: { enum: [POISONED] } } }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'https://{tenant}.example.test', variables: { tenant: { default: POISONED } } }] }] },
      { spec: 'jupyterhub', format: 'yaml', mutations: [{ kind: 'set', at: `${USERS_GET}/tags`, value: [POISONED] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'set', at: `${USERS_GET}/security/0/oauth2/0`, value: POISONED }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'set', at: '/schemes/0', value: POISONED }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'set', at: '/produces/0', value: POISONED }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'set', at: '/swagger', value: POISONED }] },
    ],
  },
  {
    name: 'the reported inputs on a real spec: a %zz $ref, a server variable default with spaces, schemas 2,000 deep',
    cases: [
      { spec: 'jupyterhub', format: 'yaml', mutations: [{ kind: 'set', at: `${USERS_ITEMS}/$ref`, value: '#/components/schemas/%zz' }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'set', at: '/paths/~1sites/get/responses/200/schema/items', value: { $ref: '%zz.json#/definitions/site' } }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'https://{tenant}.example.test/{base}', variables: { tenant: { default: 'my tenant' }, base: { default: 'v 1' } } }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'https://api.example.test/{base}', variables: { base: { default: 'hub api' } } }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'nest', at: USERS_ITEMS, depth: 2_000, shape: 'properties' }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'refChain', at: USERS_ITEMS, length: 2_000, hops: 'properties' }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'refChain', at: USERS_ITEMS, length: 2_000, hops: 'ref' }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'refChain', at: '/paths/~1sites/get/responses/200/schema/items', length: 2_000, hops: 'allOf' }] },
    ],
  },
  {
    // Found by the proof attack (FETCHWRIGHT_FUZZ_SEED=777: seed 1787, case 63): the planner chose the usable
    // server, the mock built a base from every server and threw on `new URL` of the other.
    name: 'a server no request can use, beside a usable one, through the sandbox proof',
    proof: true,
    cases: [
      { spec: 'jupyterhub', format: 'yaml', mutations: [{ kind: 'servers', servers: [{ url: 'javascript://a b.example.test:' }, { url: 'toString' }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'servers', servers: [{ url: 'https://api.example.test/hub/api' }, { url: 'https://a b.example.test/v1' }] }] },
      { spec: 'jupyterhub', format: 'json', mutations: [{ kind: 'set', at: `${USERS_GET}/servers`, value: [{ url: 'https://{tenant}.example.test', variables: { tenant: { default: 'a b' } } }] }] },
      { spec: 'netlify', format: 'json', mutations: [{ kind: 'set', at: '/paths/~1sites/get/servers', value: [{ url: 'http://[::1' }] }] },
    ],
  },
];

export const FUZZ_ATTACKS: Attack[] = [
  property('fuzz: JupyterHub with nodes deleted, duplicated and retyped', 'jupyterhub', 'structure', 1001),
  property('fuzz: Netlify (Swagger 2.0) with nodes deleted, duplicated and retyped', 'netlify', 'structure', 1002),
  property('fuzz: Snowflake with hostile strings, keys (__proto__, constructor) and $refs (%zz, ../, #/ self)', 'snowflake', 'strings', 1003),
  property('fuzz: Netlify (Swagger 2.0) with hostile strings, keys and $refs', 'netlify', 'strings', 1004),
  property('fuzz: JupyterHub with schemas nested deep and long $ref chains', 'jupyterhub', 'nesting', 1005, 25),
  property('fuzz: Netlify (Swagger 2.0) with schemas nested deep and long $ref chains', 'netlify', 'nesting', 1011, 25),
  property('fuzz: JupyterHub with random server URLs and variable defaults', 'jupyterhub', 'servers', 1006),
  property('fuzz: Netlify (Swagger 2.0) with random hosts, base paths and schemes', 'netlify', 'servers', 1007),
  property('fuzz: Snowflake with random parameters and parameter schemas', 'snowflake', 'parameters', 1008),
  property('fuzz: JupyterHub with random parameters and parameter schemas', 'jupyterhub', 'parameters', 1012),
  property('fuzz: JupyterHub with every kind of mutation mixed', 'jupyterhub', 'mixed', 1009),
  property('fuzz: Snowflake with every kind of mutation mixed', 'snowflake', 'mixed', 1013),
  property('fuzz: JupyterHub mixed mutations, every 2nd case through the sandbox proof', 'jupyterhub', 'mixed', 1010, 12, 2),
  property('fuzz: Netlify (Swagger 2.0) random parameters, every 2nd case through the sandbox proof', 'netlify', 'parameters', 1014, 12, 2),
  ...REGRESSIONS.map(
    (r): Attack => ({
      name: `fuzz regression: ${r.name}`,
      layer: 'other',
      attempt: async () => verdict(r.name, await runFuzzJob({ kind: 'cases', cases: r.cases, ...(r.proof ? { proof: true } : {}) })),
    }),
  ),
];

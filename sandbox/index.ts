export { isAllowedOrigin, parseAllowedOrigin } from './allowed-hosts.ts';
export { CallLogEntry, CallOutcome, redactUrl } from './call-log.ts';
export {
  EgressGate,
  EgressPolicy,
  FetchErrorCode,
  FetchReply,
  FetchRequest,
  FetchResponse,
  MAX_REDIRECTS,
  type EgressAdapters,
  type EgressGateOptions,
} from './egress-gate.ts';
export { SandboxLimits } from './limits.ts';
export { Failure, FailureKind, FetchedRecord, RunResult, RunStats } from './result.ts';
export { runFetcher, type RunFetcherOptions } from './run-fetcher.ts';
export { Violation, ViolationKind } from './violation.ts';

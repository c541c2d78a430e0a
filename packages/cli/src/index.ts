/**
 * `@meshauth/cli`: the `meshauth` command (`check`, `explain`, `lint`) and its parts, for
 * programs that embed them.
 */
export { main } from './main.js';
export { runCheck, runExplain } from './check.js';
export { runLint } from './lint/command.js';
export { EXIT_DENIED, EXIT_OK, EXIT_USAGE } from './exit.js';
export { UsageError } from './args.js';
export { processIo, type CliIo } from './io.js';
export { parseRequest, type Expectation, type ParsedRequest, type RequestIssue, type RequestParseResult } from './request.js';
export { LINT_CODES, isLintCode, type LintCode, type LintCodeInfo } from './lint/codes.js';
export { coreWarningFinding, type LintFinding } from './lint/finding.js';
export { lintPolicies, lintPolicy, type LintOptions } from './lint/rules.js';

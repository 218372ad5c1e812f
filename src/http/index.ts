/**
 * The HTTP request engine of critical paths: running a path, and the assertion
 * pieces (expect, matchers) other modules reuse.
 */
export { evaluateExpect } from './assert.js';
export type { HttpErrorCode } from './errors.js';
export { type MatcherFailure, type MatchOptions, matchValue } from './matcher.js';
export { ReceivedResponse, type ReceivedResponseInit } from './response.js';
export { DEFAULT_BODY_LIMIT, type PathRunOptions, pathStatus, runCriticalPath } from './run-path.js';

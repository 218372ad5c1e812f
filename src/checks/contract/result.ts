/**
 * What the `contract` check saw: each failure Schemathesis reported, and what it covered.
 */

/** One failure of one Schemathesis check on one operation. */
export interface ContractFinding {
  /** The operation, e.g. `GET /orders`, or `Stateful tests` for a failure in a chain of calls. */
  operation: string;
  /** Schemathesis' check code, e.g. `ST101`. */
  code: string;
  /** The failed check in words, e.g. `Server error`. */
  check: string;
  /**
   * The response status of the failing case, when one came back.
   * @asType integer
   */
  status?: number;
  severity: 'error' | 'warning';
  /** A curl command that reproduces the case, redacted. */
  curl?: string;
  /** Schemathesis' explanation of the failure, redacted and shortened. */
  detail: string;
}

/** The `contract` part of the check result. */
export interface ContractResult {
  schema: string;
  /** Operations tested against the operations selected; from the JUnit report's test cases. */
  operations: {
    /** @asType integer */
    tested: number;
    /** @asType integer */
    failed: number;
  };
  /** @asType integer */
  max_examples: number;
  /** @asType integer */
  max_time_s: number;
  /**
   * The seed Schemathesis ran with: the plan's `contract.seed`, else one preflight drew; the
   * same seed against the same service generates the same cases.
   * @asType integer
   */
  seed?: number;
  findings: ContractFinding[];
}

/**
 * Plan text for the tests that load a plan from YAML: the one critical path most of them need.
 */

/**
 * The `critical_paths:` section of one path "p" (owner o, expect e, rollback r); `steps` are
 * the YAML lines of its steps list, indented by six spaces, as the plan file has them.
 */
export function onePathYaml(steps: string): string {
  return `critical_paths:
  - name: p
    owner: o
    expect: e
    rollback: r
    steps:
${steps}`;
}

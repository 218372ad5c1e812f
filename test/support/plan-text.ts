/**
 * Plan text for the tests that load or run a plan from YAML: the pieces many of them share.
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

/** `version: 1` and the example shop as the service, its database a fresh SQLite file in the run's directory. */
export const SHOP_SERVICE = `version: 1
service:
  name: shop
  start: .venv/bin/uvicorn shop.main:app --host 127.0.0.1 --port {port}
  ready: GET /healthz
  env: { DATABASE_URL: "sqlite:///{{ run.dir }}/shop.db" }
`;

/** One item of `critical_paths:`: "health", a single GET /healthz that expects 200. */
export const HEALTH_PATH = `  - name: health
    owner: ops
    expect: the service answers
    rollback: none
    steps:
      - name: healthz
        request: { url: /healthz }
        expect: { status: 200 }
`;

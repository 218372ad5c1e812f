/**
 * Templating renders each template of the plan once: a substituted value (a capture, a
 * variable, an environment variable, a fallback's result) is data, never parsed again, so a
 * service cannot make preflight send an environment variable or a secret by answering with
 * `{{ env.X }}`; and no text (a literal `??`, stray braces) makes rendering recurse.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { renderString, renderTemplate, type TemplateScope } from '../../src/plan/template.js';
import { Redactor } from '../../src/secrets/redactor.js';
import { useLocalServer } from '../support/local-server.js';

const TOKEN = 'ci-deploy-token-7f3a9c1e';

/** A scope whose env and secrets record every name they are asked for. */
function recordingScope(vars: Record<string, unknown> = {}): { scope: TemplateScope; asked: string[] } {
  const asked: string[] = [];
  const env = new Proxy({ CI_DEPLOY_TOKEN: TOKEN, HOME: '/root' } as Record<string, string | undefined>, {
    get(target, name) {
      if (typeof name === 'string') asked.push(`env.${name}`);
      return target[name as string];
    },
  });
  const scope: TemplateScope = {
    env,
    secret: (name) => {
      asked.push(`secrets.${name}`);
      return name === 'DB_PASSWORD' ? 'db-password-1234' : undefined;
    },
    run: { id: 'run-1', dir: '/tmp/run-1' },
    service: { url: 'http://127.0.0.1:9' },
    vars: new Map(Object.entries(vars)),
    redactor: new Redactor(),
  };
  return { scope, asked };
}

/** Text a hostile service could answer with: template syntax of every kind, and noise. */
const hostile = fc
  .array(
    fc.oneof(
      fc.constantFrom(
        '{{ env.CI_DEPLOY_TOKEN }}',
        '{{env.CI_DEPLOY_TOKEN}}',
        '{{ secrets.DB_PASSWORD }}',
        "{{ env.NOPE ?? '{{ env.CI_DEPLOY_TOKEN }}' }}",
        "{{ env.CI_DEPLOY_TOKEN ?? 'x' }}",
        '{{ run.dir }}',
        '{{ captured }}',
        '{{ service.url }}',
        '{{',
        '}}',
        '??',
        "'",
        '{{{ env.HOME }}}',
      ),
      fc.string({ maxLength: 6 }),
    ),
    { maxLength: 8 },
  )
  .map((parts) => parts.join(''));

/** Plan templates that put the value somewhere in a string, with and without fallbacks. */
const templates = fc.constantFrom(
  '{{ captured }}',
  'prefix {{ captured }} suffix',
  "{{ env.SUFFIX ?? '' }}{{ captured }}",
  "{{ captured }}{{ env.NOPE ?? 'fallback' }}",
  'a ?? b {{ captured }} ?? c',
  "{{ env.NOPE ?? '{{ run.id }}' }}/{{ captured }}",
  '/x?k={{ captured }}&h={{ env.HOME }}',
);

describe('templating renders once', () => {
  test('a substituted value is sent as it came, and asks for no env or secret (property)', () => {
    fc.assert(
      fc.property(hostile, templates, (value, template) => {
        const { scope, asked } = recordingScope({ captured: value });
        const rendered = renderString(template, scope);
        const expected = template
          .replace("{{ env.SUFFIX ?? '' }}", '')
          .replace("{{ env.NOPE ?? 'fallback' }}", 'fallback')
          .replace("{{ env.NOPE ?? '{{ run.id }}' }}", 'run-1')
          .replace('{{ env.HOME }}', '/root')
          .replace('{{ captured }}', () => value);
        assert.equal(rendered, expected);
        // Only the plan's own references were looked up, never a name from the value.
        assert.ok(!asked.includes('env.CI_DEPLOY_TOKEN'), `asked for ${asked.join(', ')}`);
        assert.ok(!asked.includes('secrets.DB_PASSWORD'));
        if (typeof rendered === 'string' && !value.includes(TOKEN)) assert.ok(!rendered.includes(TOKEN));
      }),
      { numRuns: 3000 },
    );
  });

  test('a deep value (request json) with hostile variables renders each string once', () => {
    const { scope, asked } = recordingScope({ next: '{{ env.CI_DEPLOY_TOKEN }}' });
    const out = renderTemplate(
      { url: "{{ next }}{{ env.S ?? '' }}", json: { a: ['{{ next }}', "x{{ next }}?? {{ env.S ?? 'd' }}"] } },
      scope,
    );
    assert.deepEqual(out, {
      url: '{{ env.CI_DEPLOY_TOKEN }}',
      json: { a: ['{{ env.CI_DEPLOY_TOKEN }}', 'x{{ env.CI_DEPLOY_TOKEN }}?? d'] },
    });
    assert.ok(!asked.includes('env.CI_DEPLOY_TOKEN'));
  });

  test('no text makes rendering recurse: stray ??, braces and quotes end (property)', () => {
    const noise = fc
      .array(fc.constantFrom('{{', '}}', '??', "'", ' ', 'x', 'env.', 'HOME', 'NOPE', '{', '}', '?'), {
        maxLength: 40,
      })
      .map((parts) => parts.join(''));
    fc.assert(
      fc.property(noise, (text) => {
        const { scope } = recordingScope({ x: 'v' });
        try {
          renderString(text, scope);
        } catch (error) {
          // An unset name may be reported; a stack overflow may not.
          assert.ok(!(error instanceof RangeError), `${text}: ${(error as Error).message}`);
          assert.equal((error as { name?: string }).name, 'TemplateError', (error as Error).message);
        }
      }),
      { numRuns: 3000 },
    );
  });

  test('a literal ?? next to a template is text', () => {
    const { scope } = recordingScope({ x: 'v' });
    assert.equal(renderString('what?? {{ x }} ??', scope), 'what?? v ??');
    assert.equal(renderString('{{ x }} ?? {{ x }}', scope), 'v ?? v');
    assert.equal(renderString("{{ x ?? 'y' }}", scope), 'v');
  });

  test('placeholders such as {port} are replaced in the plan text, never in a value', () => {
    const { scope } = recordingScope({ x: 'value-{port}' });
    assert.equal(
      renderString('http://127.0.0.1:{port}/{{ x }}', scope, { placeholders: { port: '8080' } }),
      'http://127.0.0.1:8080/value-{port}',
    );
  });
});

describe('templating renders once, through a critical path', () => {
  const seen: string[] = [];
  const local = useLocalServer((req, res) => {
    seen.push(req.url ?? '');
    res.writeHead(200, { 'content-type': 'application/json' });
    // The service hands out a "next" link that asks for the CI token.
    res.end(JSON.stringify({ next: '/steal?k={{ env.CI_DEPLOY_TOKEN }}' }));
  });

  test('a service answering with {{ env.X }} gets that text back, not the variable', async () => {
    const { scope } = recordingScope();
    const result = await local.runSteps(
      [
        { name: 'first', request: { url: '/start' }, capture: { next: '$.next' } },
        // The plan lets NEXT_URL override the link; without it, the captured link is followed.
        { name: 'follow', request: { url: "{{ env.NEXT_URL ?? '{{ next }}' }}&from=preflight" } },
      ],
      { scope },
    );
    assert.equal(result.steps.length, 2, JSON.stringify(result));
    const followed = seen.at(-1) ?? '';
    assert.ok(!followed.includes(TOKEN), `the token was sent: ${followed}`);
    assert.equal(decodeURIComponent(followed), '/steal?k={{ env.CI_DEPLOY_TOKEN }}&from=preflight');
  });
});

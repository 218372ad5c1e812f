/**
 * The review: captured statements grouped by step and by shape, one plan per shape
 * (taken with the parameters of its first run), and the findings of plans and counts.
 */

import { isSecretName, REDACTED } from '../../secrets/names.js';
import type { Redactor } from '../../secrets/redactor.js';
import { type CapturedStatement, parseStepLabel } from './capture.js';
import type { DatabaseClient } from './client.js';
import { findNPlusOne, findPlanProblems } from './findings.js';
import type { DatabaseFinding, DatabaseReview, DatabaseStepStatements, QueryPlanReview } from './result.js';
import { shapeOf, verbOf } from './shape.js';

/** The database and thresholds of a review. */
export interface ReviewOptions {
  client: DatabaseClient;
  analyze: boolean;
  seqScanRows: number;
  nPlusOne: number;
  redactor: Redactor;
}

interface Shape {
  shape: string;
  first: CapturedStatement;
  count: number;
  ms: number;
  steps: string[];
}

/** Review the statements the critical paths caused. */
export async function reviewStatements(
  statements: CapturedStatement[],
  o: ReviewOptions,
): Promise<Omit<DatabaseReview, 'tables'>> {
  const inSteps = statements.filter((s) => s.step !== null && verbOf(s.sql) !== 'other');
  const shapes = groupShapes(inSteps);
  const rows = memo((t: string) => o.client.rowCount(t));
  const indexes = memo((t: string) => o.client.indexes(t));
  const plans: QueryPlanReview[] = [];
  const findings: DatabaseFinding[] = [];
  for (const s of shapes.values()) {
    const plan: QueryPlanReview = {
      shape: s.shape,
      count: s.count,
      total_ms: round(s.ms),
      steps: s.steps.map(stepName),
      params: redactParams(s.first.sql, s.first.params, o.redactor),
      plan: [],
    };
    plans.push(plan);
    if (verbOf(s.first.sql) === 'insert') continue;
    try {
      const explained = await o.client.explain(s.first.sql, s.first.params, o.analyze);
      plan.plan = explained.nodes.length
        ? explained.text.map((line) => redactPlanLine(line, o.redactor))
        : [];
      const { path, step } = parseStepLabel(s.steps[0] as string);
      const context = {
        dialect: o.client.dialect,
        shape: s.shape,
        path,
        step,
        seqScanRows: o.seqScanRows,
        rows,
        indexes,
      };
      findings.push(...(await findPlanProblems(explained.nodes, context)));
    } catch (error) {
      plan.plan_error = o.redactor.redact((error as Error).message);
    }
  }
  const steps = countSteps(inSteps);
  findings.push(...findNPlusOne(perStepShapes(inSteps), o.nPlusOne));
  return {
    dialect: o.client.dialect,
    analyze: o.analyze,
    outside_steps: statements.length - inSteps.length,
    steps,
    plans,
    findings,
  };
}

function groupShapes(statements: CapturedStatement[]): Map<string, Shape> {
  const shapes = new Map<string, Shape>();
  for (const s of statements) {
    const shape = shapeOf(s.sql);
    const entry = shapes.get(shape) ?? { shape, first: s, count: 0, ms: 0, steps: [] };
    entry.count += 1;
    entry.ms += s.ms;
    if (!entry.steps.includes(s.step as string)) entry.steps.push(s.step as string);
    shapes.set(shape, entry);
  }
  return shapes;
}

function countSteps(statements: CapturedStatement[]): DatabaseStepStatements[] {
  const by = new Map<string, { n: number; ms: number; shapes: Set<string> }>();
  for (const s of statements) {
    const entry = by.get(s.step as string) ?? { n: 0, ms: 0, shapes: new Set<string>() };
    entry.n += 1;
    entry.ms += s.ms;
    entry.shapes.add(shapeOf(s.sql));
    by.set(s.step as string, entry);
  }
  return [...by].map(([label, e]) => ({
    ...parseStepLabel(label),
    statements: e.n,
    shapes: e.shapes.size,
    ms: round(e.ms),
  }));
}

function perStepShapes(statements: CapturedStatement[]) {
  const counts = new Map<string, number>();
  for (const s of statements) {
    const key = `${s.step}\n${shapeOf(s.sql)}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].map(([key, count]) => {
    const [label, shape] = key.split('\n') as [string, string];
    return { ...parseStepLabel(label), shape, count };
  });
}

/** Parameters with secret-looking ones (by name, or by the column they are compared to) hidden. */
export function redactParams(sql: string, params: unknown, redactor: Redactor): unknown {
  if (Array.isArray(params)) {
    const names = positionalNames(sql);
    return params.map((v, i) => (isSecretName(names[i] ?? '') ? REDACTED : redactor.redactValue(v)));
  }
  if (params && typeof params === 'object')
    return Object.fromEntries(
      Object.entries(params).map(([k, v]) => [k, isSecretName(k) ? REDACTED : redactor.redactValue(v)]),
    );
  return params === undefined ? null : redactor.redactValue(params);
}

/** The column each `?` / `%s` stands for: INSERT column lists, or `column = ?` comparisons. */
function positionalNames(sql: string): string[] {
  const insert = /^\s*INSERT\s+INTO\s+\S+\s*\(([^)]*)\)\s*VALUES/i.exec(sql);
  if (insert) return (insert[1] as string).split(',').map((c) => c.trim().replace(/"/g, ''));
  const names: string[] = [];
  for (const m of sql.matchAll(/(?:(\w+)"?\s*(?:=|<>|!=|<=|>=|<|>|LIKE)\s*)?(?:\?|%s)/gi))
    names.push(m[1] ?? '');
  return names;
}

/** A plan line with the literals compared to secret-looking columns hidden (PostgreSQL inlines them). */
export function redactPlanLine(line: string, redactor: Redactor): string {
  const hidden = line.replace(
    /\b(\w+)(\)?(?:::[\w ]+)?\s*(?:=|<>|!=)\s*)'((?:[^']|'')*)'/g,
    (whole, column: string, op: string) => (isSecretName(column) ? `${column}${op}'${REDACTED}'` : whole),
  );
  return redactor.redact(hidden);
}

function stepName(label: string): string {
  const { path, step } = parseStepLabel(label);
  return `${path} / ${step}`;
}

function memo<T>(load: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const cache = new Map<string, Promise<T>>();
  return (key) => {
    if (!cache.has(key)) cache.set(key, load(key));
    return cache.get(key) as Promise<T>;
  };
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}

/**
 * The page frame: head, navigation, and how assets are loaded — linked from the dashboard
 * server (`/assets/…`, under a strict Content-Security-Policy sent as a header), or inline
 * for a self-contained report file (with a CSP meta tag that allows exactly those inline
 * scripts and styles by hash).
 */
import { createHash } from 'node:crypto';
import { html, type SafeHtml, trusted } from '../render/html.js';
import { SCRIPTS, STYLESHEETS } from './assets.js';

/** The Content-Security-Policy of every dashboard response: our scripts only, no inline code. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How a page gets its scripts and stylesheets. */
export type AssetMode = { kind: 'linked' } | { kind: 'inline'; css: string[]; js: string[] };

/** What a page is made of. */
export interface PageOptions {
  title: string;
  body: SafeHtml;
  assets: AssetMode;
  /** Links at the top (the dashboard has them, a report file does not). */
  nav?: boolean;
}

/** A whole HTML document. */
export function renderPage(options: PageOptions): string {
  const { head, scripts } = options.assets.kind === 'linked' ? linked() : inline(options.assets);
  const nav = options.nav
    ? html`<nav><a href="/">runs</a> <a href="/trends">trends</a> <a href="/compare">compare</a></nav>`
    : '';
  return `<!doctype html>\n${
    html`<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
${head}
<title>${options.title}</title>
</head>
<body>
<header><span class="brand">preflight</span>${nav}</header>
<main>
${options.body}
</main>
${scripts}
</body>
</html>`.value
  }\n`;
}

function linked(): { head: SafeHtml; scripts: SafeHtml } {
  return {
    head: html`${STYLESHEETS.map((name) => html`<link rel="stylesheet" href="/assets/${name}">\n`)}`,
    scripts: html`${SCRIPTS.map((name) => html`<script src="/assets/${name}"></script>\n`)}`,
  };
}

function inline(assets: { css: string[]; js: string[] }): { head: SafeHtml; scripts: SafeHtml } {
  // An inline script or style must not be able to end its own element early.
  const js = assets.js.map((code) => code.replace(/<\/(script)/gi, '<\\/$1'));
  const css = assets.css.map((code) => code.replace(/<\/(style)/gi, '<\\/$1'));
  const csp = [
    "default-src 'none'",
    `script-src ${js.map(hashSource).join(' ')}`,
    `style-src ${css.map(hashSource).join(' ')}`,
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return {
    head: html`<meta http-equiv="Content-Security-Policy" content="${csp}">
${css.map((code) => trusted(`<style>${code}</style>\n`))}`,
    scripts: html`${js.map((code) => trusted(`<script>${code}</script>\n`))}`,
  };
}

function hashSource(code: string): string {
  return `'sha256-${createHash('sha256').update(code, 'utf8').digest('base64')}'`;
}

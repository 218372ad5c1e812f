/**
 * The launch record (Markdown) rendered as HTML, for the dashboard and the HTML report.
 * It knows the subset the record is written in (headings, paragraphs, `-` lists, tables,
 * fenced code, code spans, bold, backslash escapes, `<br>` in table cells) and builds every
 * element itself from escaped text: no HTML in the Markdown ever reaches the page.
 */
import { type HtmlValue, html, join, type SafeHtml, trusted } from '../render/html.js';

/** The record's Markdown as safe HTML. */
export function renderMarkdown(markdown: string): SafeHtml {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const blocks: SafeHtml[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i] as string;
    const fence = /^(`{3,})\w*\s*$/.exec(line);
    if (fence) {
      const end = lines.findIndex((l, j) => j > i && l === fence[1]);
      const stop = end === -1 ? lines.length : end;
      blocks.push(html`<pre><code>${lines.slice(i + 1, stop).join('\n')}</code></pre>`);
      i = stop + 1;
    } else if (/^#{1,6} /.test(line)) {
      const level = Math.min(6, (line.match(/^#+/)?.[0].length ?? 1) + 1);
      blocks.push(trusted(`<h${level}>${inline(line.replace(/^#+ /, '')).value}</h${level}>`));
      i++;
    } else if (line.startsWith('|') && /^\|( *:?-+:? *\|)+ *$/.test(lines[i + 1] ?? '')) {
      const rows: string[] = [];
      let j = i + 2;
      while (j < lines.length && (lines[j] as string).startsWith('|')) rows.push(lines[j++] as string);
      blocks.push(table(line, rows));
      i = j;
    } else if (line.startsWith('- ')) {
      const items: string[] = [];
      while (i < lines.length && (lines[i] as string).startsWith('- '))
        items.push((lines[i++] as string).slice(2));
      blocks.push(html`<ul>${items.map((item) => html`<li>${inline(item)}</li>`)}</ul>`);
    } else if (line.trim() === '') {
      i++;
    } else {
      const para: string[] = [];
      while (i < lines.length && isParagraphLine(lines[i] as string)) para.push(lines[i++] as string);
      blocks.push(html`<p>${inline(para.join(' '))}</p>`);
    }
  }
  return join(blocks, '\n');
}

function isParagraphLine(line: string): boolean {
  return line.trim() !== '' && !/^(#{1,6} |- |\||`{3,})/.test(line);
}

function table(header: string, rows: string[]): SafeHtml {
  const head = cells(header).map((c) => html`<th>${cell(c)}</th>`);
  const body = rows.map((row) => html`<tr>${cells(row).map((c) => html`<td>${cell(c)}</td>`)}</tr>`);
  return html`<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The cells of `| a | b\|c |`: split on pipes that are not escaped. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && inner[i + 1] === '|') {
      current += '|';
      i++;
    } else if (c === '|') {
      out.push(current.trim());
      current = '';
    } else current += c;
  }
  out.push(current.trim());
  return out;
}

function cell(text: string): SafeHtml {
  return join(
    text.split('<br>').map((part) => inline(part)),
    '<br>',
  );
}

/** Inline Markdown: backslash escapes, code spans, `**bold**`; everything else is text. */
function inline(text: string): SafeHtml {
  const parts: HtmlValue[] = [];
  let plain = '';
  let bold = false;
  const flush = (): void => {
    if (plain) parts.push(plain);
    plain = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && /[!-/:-@[-`{-~]/.test(text[i + 1] ?? '')) {
      plain += text[++i];
    } else if (c === '`') {
      const run = /^`+/.exec(text.slice(i))?.[0] ?? '`';
      const end = text.indexOf(run, i + run.length);
      if (end === -1) {
        plain += run;
        i += run.length - 1;
        continue;
      }
      flush();
      parts.push(html`<code>${trimCode(text.slice(i + run.length, end))}</code>`);
      i = end + run.length - 1;
    } else if (c === '*' && text[i + 1] === '*') {
      flush();
      parts.push(trusted(bold ? '</strong>' : '<strong>'));
      bold = !bold;
      i++;
    } else plain += c;
  }
  flush();
  if (bold) parts.push(trusted('</strong>'));
  return join(parts);
}

function trimCode(code: string): string {
  return code.length > 1 && code.startsWith(' ') && code.endsWith(' ') ? code.slice(1, -1) : code;
}

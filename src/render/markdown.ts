/**
 * Markdown building blocks for the launch record: escaping, code spans, fences and tables
 * that stay correct whatever text a result carries (pipes, backticks, newlines, HTML).
 */

/** Escape text so Markdown shows it literally on one line (pipes are left to `table`). */
export function mdText(text: string): string {
  return text.replace(/\r?\n|\r/g, ' ').replace(/[\\`*_[\]<>&]/g, '\\$&');
}

/** `text` as an inline code span, with delimiters longer than any backtick run inside. */
export function mdCode(text: string): string {
  const flat = text.replace(/\r?\n|\r/g, ' ');
  const ticks = '`'.repeat(longestRun(flat, '`') + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${ticks}${pad}${flat}${pad}${ticks}`;
}

/** A fenced code block, with a fence longer than any backtick run inside. */
export function mdFence(text: string, lang = ''): string {
  const fence = '`'.repeat(Math.max(3, longestRun(text, '`') + 1));
  return `${fence}${lang}\n${text.replace(/\n+$/, '')}\n${fence}`;
}

/** A table cell: pipes escaped, line breaks kept as `<br>`. Cells are already inline Markdown. */
export function mdCell(cell: string): string {
  return cell.replace(/\|/g, '\\|').replace(/\r?\n|\r/g, '<br>');
}

/** A GitHub-flavoured Markdown table; each cell is inline Markdown (see `mdText`, `mdCode`). */
export function mdTable(headers: string[], rows: string[][]): string {
  const line = (cells: string[]): string => `| ${cells.map(mdCell).join(' | ')} |`;
  return [line(headers), `| ${headers.map(() => '---').join(' | ')} |`, ...rows.map(line)].join('\n');
}

function longestRun(text: string, char: string): number {
  let longest = 0;
  let current = 0;
  for (const c of text) {
    current = c === char ? current + 1 : 0;
    longest = Math.max(longest, current);
  }
  return longest;
}

/** A status in a table cell: `pass`, else bold (`**fail**`), with ` (flaky)` when it passed on a retry. */
export function mdStatus(status: string, flaky: boolean): string {
  const text = status === 'pass' ? 'pass' : `**${status}**`;
  return flaky ? `${text} (flaky)` : text;
}

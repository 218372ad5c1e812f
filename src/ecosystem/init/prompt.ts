/**
 * The interactive pick of `init` in a terminal: a numbered list of the document's
 * operations (the default selection marked), and one line to answer.
 */
import { createInterface } from 'node:readline/promises';
import { type Candidate, parsePick } from './select.js';

/** What the prompt reads from and writes to. */
export interface PromptIo {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
}

/** The numbered list, `[x]` marking the default selection. */
export function formatCandidates(candidates: Candidate[], marked: Set<Candidate>): string {
  const width = String(candidates.length).length;
  return candidates
    .map((c, i) => {
      const notes = [
        c.secured ? 'needs credentials' : '',
        c.pathParams.length ? `path: ${c.pathParams.join(', ')}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      const summary = c.summary ? ` — ${c.summary}` : '';
      return `${String(i + 1).padStart(width)}. [${marked.has(c) ? 'x' : ' '}] ${c.key}${summary}${notes ? ` (${notes})` : ''}`;
    })
    .join('\n');
}

/** Ask which operations to include until the answer is valid; Enter keeps the marked ones. */
export async function promptForOperations(
  candidates: Candidate[],
  marked: Candidate[],
  io: PromptIo,
): Promise<Candidate[]> {
  const rl = createInterface({ input: io.input, output: io.output });
  try {
    io.output.write(`${formatCandidates(candidates, new Set(marked))}\n`);
    for (;;) {
      const answer = await rl.question(
        'Operations to include (e.g. 1,3-5 or "all"; Enter = the marked ones): ',
      );
      if (answer.trim() === '' && marked.length > 0) return marked;
      const picked = parsePick(answer, candidates);
      if (!('error' in picked)) return picked;
      io.output.write(`${picked.error}\n`);
    }
  } finally {
    rl.close();
  }
}

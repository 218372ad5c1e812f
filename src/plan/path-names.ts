/**
 * Critical path names in a sentence: a path's name is free text from the plan, so a list of
 * them is written so that each name still reads as one.
 */

/**
 * Path names joined for a summary: a name that holds a list separator or a colon is quoted, so
 * `sign up, log in, read me` reads as one path: `"sign up, log in, read me", checkout`.
 */
export function listPathNames(names: string[]): string {
  return names.map((n) => (/[,;:"]/.test(n) ? JSON.stringify(n) : n)).join(', ');
}

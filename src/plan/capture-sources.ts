/** Where a capture's value comes from: exactly one of these per capture mapping (validate checks it). Apart from the schema, so that running a step does not load zod. */
export const CAPTURE_SOURCES = ['json', 'header', 'cookie', 'regex', 'value'] as const;

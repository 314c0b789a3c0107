import { BatchValidationError } from '../errors';

/** Compiled patterns by source; a pattern is checked on every render. */
const compiled = new Map<string, RegExp>();

/**
 * Compiles a String option's pattern, anchored at both ends: a pattern must
 * match the whole value, because a partial match (`[a-z]+` accepting `a1!`)
 * is the usual surprise with unanchored patterns.
 */
export function compilePattern(pattern: string, field: string): RegExp {
  const known = compiled.get(pattern);
  if (known) {
    return known;
  }
  try {
    // Compiled bare first, so that a syntax error quotes the user's pattern and not our anchoring.
    new RegExp(pattern);
  } catch (e) {
    const reason = /^Invalid regular expression: \/.*\/[a-z]*: (.*)$/s.exec((e as Error).message)?.[1] ?? (e as Error).message;
    throw new BatchValidationError(field, pattern, `is not a valid regular expression: ${reason}`,
      'Write an ECMAScript regular expression, e.g. ^[a-z0-9-]+$.');
  }
  const regex = new RegExp(`^(?:${pattern})$`);
  compiled.set(pattern, regex);
  return regex;
}

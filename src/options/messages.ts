/** Wording shared by option definition and value errors, so every front end prints the same text. */

/** The field an option's value errors are reported under, e.g. `option "region"`. */
export function optionField(name: string): string {
  return `option ${JSON.stringify(name)}`;
}

/** The field of one setting of an option, e.g. `option "region" default`. */
export function settingField(name: string, setting: string): string {
  return `${optionField(name)} ${setting}`;
}

/** Lists that would make a message unreadable are cut here. */
const MAX_LISTED = 20;

/** `"a", "b", "c"`; quoted so that white space and empty strings are visible. */
export function quotedList(values: readonly string[]): string {
  const listed = values.slice(0, MAX_LISTED).map((v) => JSON.stringify(v)).join(', ');
  return values.length > MAX_LISTED ? `${listed} and ${values.length - MAX_LISTED} more` : listed;
}

/** A value of any JSON type as text for an error message; strings stay unquoted (the error quotes them). */
export function shown(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value) ?? String(value);
}

/**
 * Interactive answers for `cdk8s-batch run` on a terminal: one prompt per option the command
 * line left open, of the kind its type calls for (confirm, list, multi-select, text), with the
 * default pre-filled. Every answer is checked by the options core (`JobOption.render`) as it
 * is typed, so a rejected value shows the same message as `--set` would and is asked again.
 */
import type * as Inquirer from '@inquirer/prompts';
import { BatchValidationError } from '../../../src/errors';
import { JobOption, OptionType } from '../../../src/options';

/** What a prompt library must do; the real one is @inquirer/prompts. */
export interface Prompter {
  confirm(message: string, defaultValue: boolean): Promise<boolean>;
  select(message: string, choices: string[], defaultValue?: string): Promise<string>;
  checkbox(message: string, choices: string[], checked: string[], validate: (values: string[]) => true | string): Promise<string[]>;
  input(message: string, defaultValue: string | undefined, validate: (value: string) => true | string): Promise<string>;
}

/** Prompts on stderr (stdout may be redirected to a file), answers from stdin. */
const TERMINAL = { input: process.stdin, output: process.stderr };

// Loaded on the first prompt: only `run` on a terminal prompts, and loading it is a good part
// of every other command's start-up (issue 17).
let inquirer: typeof Inquirer | undefined;
function prompts(): typeof Inquirer {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return inquirer ??= require('@inquirer/prompts') as typeof Inquirer;
}

export const inquirerPrompter: Prompter = {
  confirm: (message, defaultValue) => prompts().confirm({ message, default: defaultValue }, TERMINAL),
  select: (message, choices, defaultValue) => prompts().select({ message, choices: choices.map((c) => ({ name: c, value: c })), default: defaultValue }, TERMINAL),
  checkbox: (message, choices, checked, validate) => prompts().checkbox({
    message,
    choices: choices.map((c) => ({ name: c, value: c, checked: checked.includes(c) })),
    validate: (picked) => validate(picked.map((p) => p.value)),
  }, TERMINAL),
  input: (message, defaultValue, validate) => prompts().input({ message, default: defaultValue, validate }, TERMINAL),
};

/** Shown in a list to type a value that is not listed (options with allowCustom). */
export const OTHER_CHOICE = '(another value)';

/** Asks for every option in `options` that `given` does not hold; returns the answers as raw values. */
export async function promptForValues(options: readonly JobOption[], given: Record<string, string>, prompter: Prompter): Promise<Record<string, string>> {
  const answers: Record<string, string> = {};
  for (const option of options) {
    if (Object.hasOwn(given, option.name)) continue;
    answers[option.name] = await promptFor(option, prompter);
  }
  return answers;
}

async function promptFor(option: JobOption, prompter: Prompter): Promise<string> {
  const schema = option.toSchema();
  const validate = (value: string): true | string => {
    try {
      option.render(value);
      return true;
    } catch (e) {
      if (e instanceof BatchValidationError) return e.message;
      throw e;
    }
  };
  const label = option.label + (option.required ? ' (required)' : '');
  switch (option.type) {
    case OptionType.BOOL:
      return String(await prompter.confirm(label, schema.bool?.default ?? false));
    case OptionType.SELECT: {
      const values = schema.select!.values;
      const choices = schema.select!.allowCustom ? [...values, OTHER_CHOICE] : values;
      const picked = await prompter.select(label, choices, schema.select!.default);
      return picked === OTHER_CHOICE ? prompter.input(`${option.label} (another value)`, undefined, validate) : picked;
    }
    case OptionType.MULTI: {
      const multi = schema.multi!;
      if (!multi.allowCustom) {
        return JSON.stringify(await prompter.checkbox(label, multi.values, multi.defaults ?? [], (picked) => validate(JSON.stringify(picked))));
      }
      const picked = await prompter.checkbox(label, multi.values, multi.defaults ?? [], () => true);
      const more = await prompter.input(`${option.label}: more values, comma-separated (optional)`, '',
        (text) => validate(JSON.stringify([...picked, ...splitList(text)])));
      return JSON.stringify([...picked, ...splitList(more)]);
    }
    case OptionType.INT: {
      const bounds = schema.int?.min !== undefined || schema.int?.max !== undefined
        ? ` (${schema.int?.min ?? '…'} to ${schema.int?.max ?? '…'})` : '';
      return prompter.input(label + bounds, schema.int?.default !== undefined ? String(schema.int.default) : undefined, validate);
    }
    case OptionType.DATE:
      return prompter.input(`${label} (RFC 3339, e.g. 2026-07-01T00:00:00Z)`, undefined, validate);
    default:
      return prompter.input(label, schema.string?.default, validate);
  }
}

function splitList(text: string): string[] {
  return text.split(',').map((v) => v.trim()).filter((v) => v !== '');
}

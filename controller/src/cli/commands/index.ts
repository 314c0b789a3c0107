/**
 * The CLI's commands. Each module exports a `register` function that adds its command (with
 * its flags and help) to the program and returns it; add new ones here.
 */
import { Command } from 'commander';
import { CliIo } from '../io';
import { registerExplain } from './explain';
import { registerGet } from './get';
import { registerKill } from './kill';
import { registerRun } from './run';
import { registerSchedule } from './schedule';
import { registerStatus } from './status';

/** Adds one command to the program and returns it. */
export type RegisterCommand = (program: Command, io: CliIo) => Command;

export const COMMANDS: RegisterCommand[] = [
  registerRun,
  registerGet,
  registerStatus,
  registerKill,
  registerSchedule,
  registerExplain,
];

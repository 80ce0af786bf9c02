/** Commands with their own arguments (not the FILE... analyze/train/check family), by name. */
import { CliIo } from '../io';
import { diagnoseCommand } from './diagnose';
import { exportCommand } from './export';
import { fixCommand } from './fix';
import { importCommand } from './import';

/** A command that parses its own argv (after the command name) and returns an exit code. */
export type StandaloneCommand = (argv: readonly string[], io: CliIo) => number;

/** Every standalone command; each lives in a file of its own in this folder. */
export const STANDALONE_COMMANDS: Readonly<Record<string, StandaloneCommand>> = {
  import: (argv, io) => importCommand(argv, io),
  export: (argv, io) => exportCommand(argv, io),
  diagnose: (argv, io) => diagnoseCommand(argv, io),
  fix: (argv, io) => fixCommand(argv, io),
};

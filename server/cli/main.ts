import { Command } from 'commander';
import { registerDemo } from './demo-command.js';
import { registerReport } from './report-command.js';
import { registerSchema } from './schema-command.js';
import { registerScore } from './score-command.js';
import { registerSimulate } from './simulate-command.js';
import { registerValidate } from './validate-command.js';

/** The `firedrill` command line. Each command lives in its own module. */
const program = new Command()
  .name('firedrill')
  .description('Incident-response drills scored against the manual')
  .showHelpAfterError();

registerValidate(program);
registerSchema(program);
registerSimulate(program);
registerScore(program);
registerReport(program);
registerDemo(program);

await program.parseAsync(process.argv);

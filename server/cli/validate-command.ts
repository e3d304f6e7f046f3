import type { Command } from 'commander';
import { loadLibrary } from '../load/library.js';
import { formatProblem } from '../load/problems.js';
import { BUNDLED_MANUALS } from './paths.js';

/** `firedrill validate [paths...]`: exit 0 when every file is valid, 1 with every error. */
export function registerValidate(program: Command) {
  program
    .command('validate')
    .description('check manuals and scenarios (files or directories, default: drills)')
    .argument('[paths...]', 'files or directories', ['drills'])
    .action(async (paths: string[]) => {
      const library = await loadLibrary(paths, { extraManuals: [BUNDLED_MANUALS] });
      for (const problem of library.problems) console.error(formatProblem(problem));
      const counts = `${library.manuals.size - library.borrowed.size} manual(s), ${library.scenarios.size} scenario(s)`;
      if (library.problems.length) {
        console.error(`${library.problems.length} problem(s); ${counts} valid`);
        process.exitCode = 1;
      } else console.log(`ok: ${counts} valid`);
    });
}

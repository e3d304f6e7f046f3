import type { Command } from 'commander';
import { compileDrill } from '../domain/drill.js';
import { loadLibrary } from '../load/library.js';
import { formatProblem } from '../load/problems.js';
import { testPlay } from '../runtime/test-play.js';
import { BUNDLED_MANUALS } from './paths.js';

/** `firedrill validate [paths...]`: exit 0 when every file is valid, 1 with every error. */
export function registerValidate(program: Command) {
  program
    .command('validate')
    .description(
      'check manuals and scenarios (files or directories, default: drills), and play each scenario with perfect bots',
    )
    .argument('[paths...]', 'files or directories', ['drills'])
    .action(async (paths: string[]) => {
      const library = await loadLibrary(paths, { extraManuals: [BUNDLED_MANUALS] });
      // A scenario nobody could complete perfectly is an error too: play it with perfect bots.
      for (const scenario of library.scenarios.values()) {
        const manual = library.manuals.get(scenario.value.manual);
        if (!manual) continue;
        const drill = compileDrill(manual.value, scenario.value);
        library.problems.push(
          ...testPlay(drill).map((p) => ({ ...p, file: scenario.file, line: 1, column: 1 })),
        );
      }
      for (const problem of library.problems) console.error(formatProblem(problem));
      const counts = `${library.manuals.size - library.borrowed.size} manual(s), ${library.scenarios.size} scenario(s)`;
      if (library.problems.length) {
        console.error(`${library.problems.length} problem(s); ${counts} valid`);
        process.exitCode = 1;
      } else console.log(`ok: ${counts} valid`);
    });
}

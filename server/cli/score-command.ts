import type { Command } from 'commander';
import { parseDuration } from '../domain/duration.js';
import { score } from '../domain/scoring/score.js';
import { readLog } from '../load/log-file.js';
import { formatProblem } from '../load/problems.js';
import { renderScorecard } from '../reports/summary.js';
import { format, guarded, resolveDrill, UsageError } from './resolve.js';

/** `firedrill score <log>`: scores a recorded or hand-written log. */
export function registerScore(program: Command) {
  program
    .command('score')
    .description('score a drill log against a manual and a scenario')
    .argument('<log>', 'drill log, JSON Lines')
    .requiredOption('--manual <manual>', 'manual file, or a bundled manual id')
    .requiredOption('--scenario <scenario>', 'scenario file, or a bundled scenario id')
    .option(
      '--at <time>',
      'score as at this drill time (e.g. 00:20:00): later deadlines are pending',
    )
    .option('--format <format>', 'json, md or text', 'text')
    .action(
      guarded(
        async (
          logFile: string,
          opts: { manual: string; scenario: string; at?: string; format: string },
        ) => {
          const output = format(opts.format);
          const at = opts.at === undefined ? undefined : parseDuration(opts.at);
          if (opts.at !== undefined && at === undefined)
            throw new UsageError(`--at must be a drill time such as 00:20:00, not '${opts.at}'`);
          const { manual, scenario } = await resolveDrill(opts.scenario, opts.manual);
          const { entries, problems } = await readLog(logFile).catch((error: Error) => {
            throw new UsageError(`cannot read ${logFile}: ${error.message}`);
          });
          if (problems.length) throw new UsageError(problems.map(formatProblem).join('\n'));
          const hashes = { manual: manual.hash, scenario: scenario.hash };
          process.stdout.write(
            renderScorecard(score(manual.value, scenario.value, entries, { at, hashes }), output),
          );
        },
      ),
    );
}

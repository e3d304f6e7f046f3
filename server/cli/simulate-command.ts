import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { score } from '../domain/scoring/score.js';
import { formatLog } from '../load/log-file.js';
import { renderScorecard } from '../reports/summary.js';
import { simulate } from '../runtime/simulate.js';
import { format, guarded, readFaults, resolveDrill, UsageError } from './resolve.js';

/** `firedrill simulate <scenario>`: a whole drill with bots in virtual time, then its score. */
export function registerSimulate(program: Command) {
  program
    .command('simulate')
    .description('run a drill with bots in virtual time and score it')
    .argument('<scenario>', 'scenario file, or the id of a bundled scenario')
    .option('--bots <bots>', "'perfect', or a faults file (YAML/JSON: faults: [...])", 'perfect')
    .option('--seed <n>', 'seed for the bots’ reaction times (default 1)')
    .option('--log <file>', 'write the drill log (JSON Lines) here')
    .option('--format <format>', 'json, md or text', 'text')
    .action(
      guarded(
        async (
          scenarioRef: string,
          opts: { bots: string; seed?: string; log?: string; format: string },
        ) => {
          const seed = opts.seed === undefined ? 1 : Number(opts.seed);
          if (!Number.isInteger(seed))
            throw new UsageError(`--seed must be a whole number, not '${opts.seed}'`);
          const output = format(opts.format);
          const { drill, manual, scenario } = await resolveDrill(scenarioRef);
          const faults = opts.bots === 'perfect' ? [] : await readFaults(opts.bots);
          const hashes = { manual: manual.hash, scenario: scenario.hash };
          const log = simulate(drill, { seed, faults, hashes });
          if (opts.log) await writeFile(opts.log, formatLog(log));
          process.stdout.write(
            renderScorecard(score(manual.value, scenario.value, log, { hashes }), output),
          );
        },
      ),
    );
}

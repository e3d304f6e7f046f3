import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { score } from '../domain/scoring/score.js';
import { readLog } from '../load/log-file.js';
import { formatProblem } from '../load/problems.js';
import { buildDrillReport } from '../reports/drill-report.js';
import { generateImprovements } from '../reports/improvements.js';
import { isReportFormat, REPORT_FORMATS, renderReport } from '../reports/render.js';
import { guarded, resolveDrill, UsageError } from './resolve.js';

interface ReportOptions {
  manual: string;
  scenario: string;
  format: string;
  out?: string;
  generatedAt?: string;
  viewer?: boolean;
}

/** `firedrill report <log>`: renders a drill report (HTML, JSON, CSV, Markdown) from a log. */
export function registerReport(program: Command) {
  program
    .command('report')
    .description('render the drill report of a log: scores, verdicts, timeline, improvement items')
    .argument('<log>', 'drill log, JSON Lines')
    .requiredOption('--manual <manual>', 'manual file, or a bundled manual id')
    .requiredOption('--scenario <scenario>', 'scenario file, or a bundled scenario id')
    .option('--format <format>', REPORT_FORMATS.join(', '), 'html')
    .option('--out <file>', 'write the report to this file instead of standard output')
    .option(
      '--generated-at <iso>',
      'the generation time printed in the report (default: now); fix it for identical bytes',
    )
    .option('--viewer', "the viewer's copy: no per-person scores, no names")
    .action(
      guarded(async (logFile: string, opts: ReportOptions) => {
        if (!isReportFormat(opts.format))
          throw new UsageError(
            `--format must be one of ${REPORT_FORMATS.join(', ')}, not '${opts.format}'`,
          );
        const generatedAt = opts.generatedAt ?? new Date().toISOString();
        if (Number.isNaN(Date.parse(generatedAt)))
          throw new UsageError(
            `--generated-at must be an ISO 8601 time such as 2026-01-01T09:00:00Z, not '${generatedAt}'`,
          );
        const { drill, manual, scenario } = await resolveDrill(opts.scenario, opts.manual);
        const { entries, problems } = await readLog(logFile).catch((error: Error) => {
          throw new UsageError(`cannot read ${logFile}: ${error.message}`);
        });
        if (problems.length) throw new UsageError(problems.map(formatProblem).join('\n'));
        const hashes = { manual: manual.hash, scenario: scenario.hash };
        const card = score(manual.value, scenario.value, entries, { hashes });
        const report = buildDrillReport({
          drill,
          card,
          log: entries,
          generatedAt,
          audience: opts.viewer ? 'viewer' : 'staff',
          improvements: generateImprovements(drill, card),
        });
        const text = renderReport(report, opts.format);
        if (opts.out) await writeFile(opts.out, text);
        else process.stdout.write(text);
      }),
    );
}

import type { DrillReport } from './drill-report.js';

/**
 * Renders a drill report as JSON: the report object itself, versioned by `reportVersion`
 * (docs/reports.md describes every field). Two-space indented, newline-terminated.
 */
export function reportJson(report: DrillReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

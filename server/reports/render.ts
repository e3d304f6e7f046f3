import type { DrillReport } from './drill-report.js';
import { reportCsv } from './report-csv.js';
import { reportHtml } from './report-html.js';
import { reportJson } from './report-json.js';
import { reportMarkdown } from './report-md.js';

export const REPORT_FORMATS = ['html', 'json', 'csv', 'md'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

/** The media type each format is served as. */
export const REPORT_MEDIA_TYPES: Record<ReportFormat, string> = {
  html: 'text/html; charset=utf-8',
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  md: 'text/markdown; charset=utf-8',
};

/** True for a format name the report renders to. */
export function isReportFormat(value: unknown): value is ReportFormat {
  return typeof value === 'string' && (REPORT_FORMATS as readonly string[]).includes(value);
}

/** Renders a drill report in one of its formats. */
export function renderReport(report: DrillReport, format: ReportFormat): string {
  if (format === 'html') return reportHtml(report);
  if (format === 'json') return reportJson(report);
  if (format === 'csv') return reportCsv(report);
  return reportMarkdown(report);
}

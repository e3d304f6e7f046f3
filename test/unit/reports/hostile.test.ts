import { expect } from 'chai';
import type { DrillReport } from '../../../server/reports/drill-report.js';
import { csvCell } from '../../../server/reports/escape.js';
import { readinessCsv, readinessHtml, trendsHtml } from '../../../server/reports/insights-html.js';
import { computeReadiness } from '../../../server/reports/readiness.js';
import { renderReport } from '../../../server/reports/render.js';
import { timelineSvg } from '../../../server/reports/timeline-svg.js';
import { computeTrends } from '../../../server/reports/trends.js';
import { trendsSvg } from '../../../server/reports/trends-render.js';
import { hostile, hostileReport, parseXml, svgsIn } from './hostile-cases.js';

/** The fields every staff HTML report must show (so that escaping them is really tested). */
const SHOWN = [
  'manual.title',
  'scenario.title',
  'drill.title',
  'team',
  'role.operator',
  'step.open-dashboard',
  'rule.only-operations-lead-speaks-externally',
  'inject.battery-room-fire',
  'adhoc.title',
  'person.operator',
  'note.by',
  'note.text',
  'override.reason',
  'offplatform.medium',
  'owner',
  'recommendation',
  'observation',
  'concerns.title',
  'debrief.person',
  'wentWell',
  'didNotGoWell',
  'generatedAt',
  // The decision log holds the text of the action that recorded the decision (#13).
  'action.13',
];

describe('hostile text in reports', () => {
  let report: DrillReport;
  let html: string;
  before(async () => {
    report = await hostileReport();
    html = renderReport(report, 'html');
  });

  it('shows every free-text field in the HTML, escaped', () => {
    for (const field of SHOWN)
      expect(html, field).to.include(
        `${field}:&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;]]&gt;&lt;!--&#39;&lt;svg onload`,
      );
  });

  it('leaves no markup of its own in the HTML: no script, img, comment or event handler', () => {
    expect(html).to.not.match(/<script|<img|<!--|<iframe/i);
    expect(html).to.not.match(/<[^>]+\son[a-z]+=/i);
    // The only <svg> elements are the report's own timeline.
    expect(html.match(/<svg/g)).to.have.length(1);
  });

  it('keeps the SVG timeline well-formed XML with hostile labels (and drops control characters)', () => {
    const [svg] = svgsIn(html);
    expect(svg).to.be.a('string');
    expect(parseXml(svg ?? '')).to.be.greaterThan(50);
    const alone = timelineSvg(report.timeline);
    expect(parseXml(alone)).to.be.greaterThan(50);
    expect(alone).to.include('adhoc.title:&lt;script&gt;');
    expect(alone).to.include('person.operator:&lt;script&gt;');
    expect(alone).to.not.include('\u0007');
  });

  it('keeps the trend charts well-formed with hostile drill titles', () => {
    const trends = computeTrends([
      {
        id: 'a',
        title: hostile('trend.title'),
        scenario: 's',
        manual: { id: 'm', version: '1' },
        startedAt: '2026-01-01T00:00:00Z',
        card: report.scorecard,
        improvements: [],
      },
      {
        id: 'b',
        title: hostile('trend.title2'),
        scenario: 's',
        manual: { id: 'm', version: '1' },
        startedAt: '2026-02-01T00:00:00Z',
        card: report.scorecard,
        improvements: [],
      },
    ]);
    const svg = trendsSvg({ ...trends, filter: { role: hostile('role') } });
    expect(parseXml(svg)).to.be.greaterThan(10);
    expect(svg).to.include('trend.title:&lt;script&gt;');
    expect(svg).to.not.match(/<script|<img/);
  });

  it('keeps the readiness and trends pages inert with hostile names, titles and items', () => {
    const person = report.scorecard.persons[0]?.person ?? '';
    const drills = [
      {
        id: 'a',
        title: hostile('drill'),
        scenario: 's',
        manual: { id: hostile('manual'), version: '1' },
        startedAt: '2026-01-01T00:00:00Z',
        card: report.scorecard,
        improvements: report.improvements,
      },
    ];
    const readiness = computeReadiness(
      drills,
      [{ id: person, name: hostile('roster.name') }],
      [{ id: 'operator', name: hostile('role.name') }],
      { now: '2026-06-01T00:00:00Z' },
    );
    const html = readinessHtml(readiness);
    for (const field of ['roster.name', 'role.name', 'manual', 'drill', 'owner', 'observation'])
      expect(html, field).to.include(`${field}:&lt;script&gt;`);
    expect(html).to.not.match(/<script|<img|<!--|<svg/i);
    expect(readinessCsv(readiness)).to.include('roster.name:<script>');
    const trends = trendsHtml(computeTrends(drills), hostile('generatedAt'));
    expect(trends).to.not.match(/<script|<img|<!--/i);
    for (const svg of trends.match(/<svg[\s\S]*?<\/svg>/g) ?? [])
      expect(parseXml(svg)).to.be.greaterThan(5);
  });

  it('makes hostile text inert in Markdown: no raw tag survives', () => {
    const md = renderReport(report, 'md');
    expect(md).to.include('wentWell:&lt;script&gt;');
    expect(md).to.not.match(/<script|<img|<svg/i);
  });

  it('keeps JSON a faithful copy: the text as typed, in valid JSON', () => {
    const json = JSON.parse(renderReport(report, 'json'));
    expect(json.debriefs[0].wentWell).to.equal(hostile('wentWell'));
  });

  it("leaves the hostile persons out of the viewer's copy", async () => {
    const viewer = renderReport(await hostileReport('viewer'), 'html');
    for (const field of ['person.operator', 'debrief.person', 'owner'])
      expect(viewer, field).to.not.include(`${field}:`);
    expect(viewer).to.include('wentWell:&lt;script&gt;');
  });
});

describe('csvCell()', () => {
  it('neutralises cells a spreadsheet would run as a formula: = + - @ tab and carriage return', () => {
    expect(csvCell('=HYPERLINK("http://evil","x")')).to.equal(
      `"'=HYPERLINK(""http://evil"",""x"")"`,
    );
    expect(csvCell('+1+1')).to.equal("'+1+1");
    expect(csvCell('-2+3')).to.equal("'-2+3");
    expect(csvCell('@SUM(A1)')).to.equal("'@SUM(A1)");
    expect(csvCell('\t=1')).to.equal("'\t=1");
    expect(csvCell('\r=1')).to.equal(`"'\r=1"`);
  });

  it('quotes commas, quotes and line breaks, and leaves plain text and numbers alone', () => {
    expect(csvCell('a, b')).to.equal('"a, b"');
    expect(csvCell('say "hi"')).to.equal('"say ""hi"""');
    expect(csvCell('two\nlines')).to.equal('"two\nlines"');
    expect(csvCell('on_time')).to.equal('on_time');
    expect(csvCell(-3.5)).to.equal('-3.5');
    expect(csvCell(undefined)).to.equal('');
  });

  it('neutralises hostile free text in the CSV report', async () => {
    const report = await hostileReport();
    const first = report.scorecard.steps[0];
    if (first) first.title = '=cmd|"/c calc"!A1';
    const csv = renderReport(report, 'csv');
    expect(csv).to.include(`"'=cmd|""/c calc""!A1"`);
    for (const line of csv.split('\r\n'))
      for (const cell of line.split(',')) expect(cell, line).to.not.match(/^"?[=+@\t\r]/);
  });
});

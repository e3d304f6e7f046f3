import { expect } from 'chai';
import { CatalogueData } from '../../../server/store/catalogue-schema.js';

describe('the catalogue collections reports add', () => {
  it('lets a catalogue written before them load, with empty improvements, debriefs and feeds', () => {
    const old = { version: 1, accounts: [], drills: [], joinLinks: [] };
    const data = CatalogueData.parse(old);
    expect([data.improvements, data.debriefs, data.calendarFeeds]).to.deep.equal([[], [], []]);
  });

  it('refuses a debrief record without its link, naming the path', () => {
    const result = CatalogueData.safeParse({
      version: 1,
      debriefs: [
        { drillId: 'd', role: 'operator', wentWell: '', didNotGoWell: '', submittedAt: 'x' },
      ],
    });
    expect(result.success).to.equal(false);
    expect(result.error?.issues.map((i) => i.path.join('.'))).to.deep.equal(['debriefs.0.linkId']);
  });
});

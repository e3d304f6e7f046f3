import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'chai';
import { SCHEMA_DIR } from '../../../server/cli/paths.js';
import { jsonSchemas } from '../../../server/cli/schema-command.js';

const STALE = 'is out of date with the zod schemas in server/domain/schema: run `npm run schema`';

/** The committed schema as a plain JSON value. */
async function committed(name: string): Promise<unknown> {
  return JSON.parse(await readFile(join(SCHEMA_DIR, name), 'utf8'));
}

/** Object schemas in `schema`: itself, or each branch of a top-level oneOf / anyOf. */
function objectSchemas(schema: Record<string, unknown>): Record<string, unknown>[] {
  const branches = schema.oneOf ?? schema.anyOf;
  return Array.isArray(branches) ? branches : [schema];
}

describe('jsonSchemas()', () => {
  const generated = jsonSchemas();

  it('writes exactly the files committed in drills/schema', async () => {
    const files = (await readdir(SCHEMA_DIR)).filter((name) => name.endsWith('.json')).sort();
    expect(files, `drills/schema ${STALE} (and delete stale files)`).to.deep.equal(
      Object.keys(generated).sort(),
    );
  });

  for (const [name, schema] of Object.entries(generated)) {
    it(`matches the committed drills/schema/${name}`, async () => {
      const expected = JSON.parse(JSON.stringify(schema));
      expect(await committed(name), `drills/schema/${name} ${STALE}`).to.deep.equal(expected);
    });

    it(`makes ${name} a JSON Schema with a properties object`, async () => {
      const value = (await committed(name)) as Record<string, unknown>;
      expect(value.$schema).to.match(/^https:\/\/json-schema\.org\//);
      expect(value.title).to.be.a('string').and.not.equal('');
      for (const object of objectSchemas(value)) {
        expect(object.type, JSON.stringify(object).slice(0, 200)).to.equal('object');
        expect(object.properties).to.be.an('object').and.not.be.empty;
      }
    });
  }
});

import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { z } from 'zod';
import { LogEntry } from '../domain/schema/log.js';
import { Manual } from '../domain/schema/manual.js';
import { Scenario } from '../domain/schema/scenario.js';
import { SCHEMA_DIR } from './paths.js';

/** JSON Schema for each file kind, generated from the zod schemas (the one source of truth). */
export function jsonSchemas(): Record<string, unknown> {
  const toSchema = (schema: z.ZodType, title: string) => ({
    ...z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }),
    title,
  });
  return {
    'manual.schema.json': toSchema(Manual, 'Firedrill manual'),
    'scenario.schema.json': toSchema(Scenario, 'Firedrill scenario'),
    'log-entry.schema.json': toSchema(LogEntry, 'Firedrill drill log entry (one JSON line)'),
  };
}

/** `firedrill schema [dir]`: writes the JSON Schemas for editors. */
export function registerSchema(program: Command) {
  program
    .command('schema')
    .description('write JSON Schemas for manuals, scenarios and log entries')
    .argument('[dir]', 'output directory', SCHEMA_DIR)
    .action(async (dir: string) => {
      await mkdir(dir, { recursive: true });
      for (const [name, schema] of Object.entries(jsonSchemas()))
        await writeFile(join(dir, name), `${JSON.stringify(schema, null, 2)}\n`);
      console.log(`wrote ${Object.keys(jsonSchemas()).length} schemas to ${dir}`);
    });
}

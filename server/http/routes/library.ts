import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Router } from 'express';
import { parse as parseYamlValue } from 'yaml';
import { z } from 'zod';
import { compileDrill } from '../../domain/drill.js';
import { scoreDrill } from '../../domain/scoring/score.js';
import { contentHash } from '../../load/library.js';
import { FaultsFile } from '../../runtime/bots/faults.js';
import type { WallClock } from '../../runtime/clock.js';
import type { DrillLibrary } from '../../runtime/drill-library.js';
import { simulate } from '../../runtime/simulate.js';
import type { CatalogueStore } from '../../store/store.js';
import { callerOf, requireRole } from '../auth/middleware.js';
import { HttpError, notFound } from '../errors.js';
import { scenarioPreview } from '../pages/scenario-preview.js';
import { checkDrillText, install, installUploads } from './library-files.js';

const Text = z.strictObject({
  text: z
    .string()
    .min(1)
    .max(256 * 1024),
});
const DryRun = z.strictObject({
  scenario: z.string().min(1).max(100).optional(),
  text: z
    .string()
    .min(1)
    .max(256 * 1024)
    .optional(),
  faults: z
    .string()
    .max(16 * 1024)
    .optional(),
  seed: z.number().int().optional(),
});

/**
 * The library: list, preview, validate, dry-run with bots, and upload manuals and scenarios.
 * Making the routes installs the uploads stored in the catalogue into the live library.
 */
export function libraryRoutes(deps: {
  library: DrillLibrary;
  catalogue: CatalogueStore;
  wall: WallClock;
}): Router {
  const router = Router();
  const evaluators = requireRole('facilitator', 'evaluator');
  const facilitators = requireRole('facilitator');
  const { library } = deps;
  // Uploads live in the catalogue; the app is made once per start, so they come back with it.
  installUploads(library, deps.catalogue);

  router.get('/library', evaluators, (_req, res) => {
    const uploads = deps.catalogue.read().library;
    const versions = (kind: string, id: string) =>
      uploads
        .filter((u) => u.kind === kind && u.id === id)
        .map((u) => ({ version: u.version, uploadedAt: u.uploadedAt, uploadedBy: u.uploadedBy }));
    res.json({
      manuals: [...library.manuals.values()].map(({ value, file, hash }) => ({
        id: value.id,
        version: value.version,
        title: value.title,
        file,
        hash,
        roles: value.roles.length,
        steps: value.steps.length,
        rules: value.rules.length,
        uploads: versions('manual', value.id),
      })),
      scenarios: [...library.scenarios.values()].map(({ value, file, hash }) => ({
        id: value.id,
        version: value.version,
        title: value.title,
        manual: value.manual,
        situation: value.situation,
        injects: value.injects.length,
        file,
        hash,
        uploads: versions('scenario', value.id),
      })),
    });
  });

  router.get('/library/scenarios/:id', evaluators, (req, res) => {
    const resolved = library.resolve(req.params.id as string);
    if (!resolved) throw notFound(`no scenario '${req.params.id}' in the library`);
    res.json({ scenario: scenarioPreview(resolved) });
  });

  router.get('/library/:kind/:id/text', evaluators, async (req, res) => {
    const kind = z.enum(['manuals', 'scenarios']).parse(req.params.kind);
    const loaded = (kind === 'manuals' ? library.manuals : library.scenarios).get(
      req.params.id as string,
    );
    if (!loaded) throw notFound(`no ${kind.slice(0, -1)} '${req.params.id}' in the library`);
    const upload = deps.catalogue
      .read()
      .library.find((f) => `library:${f.id}@${f.version}` === loaded.file);
    const text = upload ? upload.text : await readFile(resolve(loaded.file), 'utf8');
    res.type('text/yaml').send(text);
  });

  router.post('/library/validate', evaluators, (req, res) => {
    const { text } = Text.parse(req.body);
    const checked = checkDrillText(library, text);
    res.json({
      ok: checked.problems.length === 0 && Boolean(checked.kind),
      kind: checked.kind,
      id: checked.value?.id,
      version: checked.value?.version,
      problems: checked.problems,
    });
  });

  router.post('/library/dry-run', evaluators, (req, res) => {
    const body = DryRun.parse(req.body);
    let drill: ReturnType<typeof compileDrill>;
    if (body.text) {
      const checked = checkDrillText(library, body.text);
      if (checked.kind !== 'scenario' || checked.problems.length)
        throw new HttpError(
          400,
          'invalid',
          checked.problems.length
            ? `the scenario has ${checked.problems.length} problem(s): validate it first`
            : 'a dry run needs a scenario, not a manual',
        );
      drill = compileDrill(checked.manual.value, checked.value);
    } else {
      const resolved = body.scenario ? library.resolve(body.scenario) : undefined;
      if (!resolved)
        throw notFound(`scenario: no scenario '${body.scenario ?? ''}' in the library`);
      drill = resolved.drill;
    }
    let faults: z.infer<typeof FaultsFile>['faults'] = [];
    if (body.faults?.trim()) {
      const parsed = FaultsFile.safeParse(parseYamlValue(body.faults));
      if (!parsed.success)
        throw new HttpError(
          400,
          'bad-faults',
          `faults: ${parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
        );
      faults = parsed.data.faults;
    }
    const log = simulate(drill, { seed: body.seed ?? 1, faults });
    const card = scoreDrill(drill, log);
    res.json({
      entries: log.length,
      durationMs: log.at(-1)?.t ?? 0,
      score: card.score,
      pass: card.pass,
      roles: card.roles,
      steps: card.steps.map(({ step, title, role, verdict }) => ({ step, title, role, verdict })),
      violations: card.rules.flatMap((r) =>
        r.violations.map((v) => ({
          rule: r.rule,
          title: r.title,
          role: v.role,
          message: v.message,
        })),
      ),
    });
  });

  router.post('/library', facilitators, async (req, res) => {
    const { text } = Text.parse(req.body);
    const checked = checkDrillText(library, text);
    if (!checked.kind || checked.problems.length)
      throw new HttpError(
        400,
        'invalid',
        `not saved: ${checked.problems.length} problem(s); validate to see them at their lines`,
      );
    const { id, version } = checked.value;
    const hash = contentHash(checked.value);
    const stored = deps.catalogue.read().library;
    const live = checked.kind === 'manual' ? library.manuals.get(id) : library.scenarios.get(id);
    if (
      (live && live.value.version === version && live.hash !== hash) ||
      stored.some(
        (f) => f.kind === checked.kind && f.id === id && f.version === version && f.hash !== hash,
      )
    )
      throw new HttpError(
        409,
        'version-exists',
        `version: ${checked.kind} '${id}' version ${version} is already stored with other content; raise the version`,
      );
    await deps.catalogue.update((data) => {
      if (!data.library.some((f) => f.kind === checked.kind && f.id === id && f.hash === hash))
        data.library.push({
          kind: checked.kind as 'manual' | 'scenario',
          id,
          version,
          hash,
          text,
          uploadedBy: callerOf(res).account.username,
          uploadedAt: new Date(deps.wall.now()).toISOString(),
        });
    });
    install(library, checked, `library:${id}@${version}`);
    res.status(201).json({ kind: checked.kind, id, version, hash });
  });
  return router;
}

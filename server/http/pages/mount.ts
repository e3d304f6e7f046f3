import { join } from 'node:path';
import express, { type Express } from 'express';
import { PROJECT_ROOT } from '../../cli/paths.js';
import { libraryPage } from './library-page.js';
import { type ParticipantPageDeps, participantPages } from './participant-pages.js';
import { rosterPage } from './roster-page.js';
import { type StaffPageDeps, staffPages } from './staff-pages.js';

/**
 * Mounts the browser pages on the app: ejs views from views/, static files (css, browser
 * modules, the standby ring) from public/ under /static, and the page routes.
 */
export function mountPages(app: Express, deps: StaffPageDeps & ParticipantPageDeps): void {
  app.set('views', join(PROJECT_ROOT, 'views'));
  app.set('view engine', 'ejs');
  app.use(
    '/static',
    express.static(join(PROJECT_ROOT, 'public'), { index: false, fallthrough: true, maxAge: 0 }),
  );
  app.use(staffPages(deps));
  app.use(libraryPage(deps));
  app.use(rosterPage(deps));
  app.use(participantPages(deps));
}

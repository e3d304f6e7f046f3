import { fileURLToPath } from 'node:url';

/** The project's own directories, wherever the CLI is run from. */
export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BUNDLED_MANUALS = fileURLToPath(new URL('../../drills/manuals/', import.meta.url));
export const SCHEMA_DIR = fileURLToPath(new URL('../../drills/schema/', import.meta.url));

import { z } from 'zod';

/**
 * The catalogue: everything but the drill logs. Credentials (passwords, session, API, join and
 * standby tokens) are stored only as hashes, so a copy of the file grants nothing.
 */
export const CATALOGUE_VERSION = 1;

const IsoTime = z.string().min(1);
const Hash = z.string().min(1);

export const StaffRole = z.enum(['facilitator', 'evaluator', 'viewer']);
export type StaffRole = z.infer<typeof StaffRole>;

export const Account = z.object({
  id: z.string(),
  username: z.string().min(1),
  /** scrypt hash, `scrypt$N$r$p$salt$hash` (base64). */
  passwordHash: Hash,
  role: StaffRole,
  createdAt: IsoTime,
  disabledAt: IsoTime.optional(),
  /** Username of the facilitator who disabled the account (absent in catalogues before it was kept). */
  disabledBy: z.string().optional(),
});

export const Session = z.object({
  /** sha256 of the session cookie's value. */
  tokenHash: Hash,
  accountId: z.string(),
  createdAt: IsoTime,
  expiresAt: IsoTime,
});

export const ApiToken = z.object({
  id: z.string(),
  accountId: z.string(),
  name: z.string(),
  tokenHash: Hash,
  createdAt: IsoTime,
  revokedAt: IsoTime.optional(),
  /** Username of the facilitator who revoked it, or why (`account disabled`). */
  revokedBy: z.string().optional(),
  /** When it last signed a request in, to the minute (server/http/auth/middleware.ts). */
  lastUsedAt: IsoTime.optional(),
});

export const Webhook = z.object({
  kind: z.enum(['json', 'chat-webhook']),
  url: z.url(),
});

export const Person = z.object({
  id: z.string(),
  name: z.string().min(1),
  email: z.string().optional(),
  /** sha256 of the person's standby token (the personal link, not tied to any drill). */
  standbyTokenHash: Hash,
  webhooks: z.array(Webhook).default([]),
});

export const Team = z.object({
  id: z.string(),
  name: z.string().min(1),
  /** IANA time zone the team works in, for allowed hours and display. */
  timeZone: z.string().default('Asia/Seoul'),
  members: z.array(z.string()).default([]),
});

export const Assignment = z.object({
  role: z.string(),
  /** A person on the roster, or absent when a bot fills the role. */
  personId: z.string().optional(),
  bot: z.boolean().default(false),
});

export const AllowedHours = z.object({
  /** `HH:mm` in `timeZone`, start inclusive. */
  from: z.string().regex(/^\d{2}:\d{2}$/),
  /** `HH:mm`, end exclusive. */
  to: z.string().regex(/^\d{2}:\d{2}$/),
  timeZone: z.string(),
  /** ISO weekdays allowed, 1 = Monday; default Monday to Friday. */
  weekdays: z.array(z.number().int().min(1).max(7)).default([1, 2, 3, 4, 5]),
});
export type AllowedHours = z.infer<typeof AllowedHours>;

export const DrillStatus = z.enum([
  'scheduled',
  'running',
  'paused',
  'ended',
  'aborted',
  'missed',
  'stopped',
]);

export const DrillRecord = z.object({
  id: z.string(),
  title: z.string(),
  manual: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
  scenario: z.object({ id: z.string(), version: z.string(), hash: z.string() }),
  teamId: z.string().optional(),
  mode: z.enum(['at', 'now', 'surprise']),
  /** When the drill is due (at / now), or the drawn secret moment (surprise). Never shown to participants. */
  dueAt: IsoTime.optional(),
  /** Surprise window. */
  window: z.object({ from: IsoTime, to: IsoTime }).optional(),
  allowedHours: AllowedHours.optional(),
  /** `YYYY-MM-DD` dates (in the allowed hours' time zone) on which no drill may start. */
  blackoutDates: z.array(z.string()).default([]),
  /** How late a due drill may still start after a server outage. */
  lateStartMinutes: z.number().min(0).default(15),
  /** Drill ms per wall ms: 1 real time; more for demos. */
  timeScale: z.number().positive().default(1),
  status: DrillStatus,
  statusReason: z.string().optional(),
  assignments: z.array(Assignment).default([]),
  createdBy: z.string().optional(),
  createdAt: IsoTime,
  startedAt: IsoTime.optional(),
  endedAt: IsoTime.optional(),
  archivedAt: IsoTime.optional(),
});
export type DrillRecord = z.infer<typeof DrillRecord>;

export const JoinLink = z.object({
  id: z.string(),
  /** sha256 of the join token. */
  tokenHash: Hash,
  drillId: z.string(),
  personId: z.string().optional(),
  role: z.string(),
  createdAt: IsoTime,
  revokedAt: IsoTime.optional(),
});

/** A manual or scenario uploaded through the library (the bundled ones live in drills/). */
export const LibraryFile = z.object({
  kind: z.enum(['manual', 'scenario']),
  id: z.string(),
  version: z.string(),
  hash: z.string(),
  text: z.string(),
  uploadedBy: z.string().optional(),
  uploadedAt: IsoTime,
});

/**
 * A facilitator's edit of a drill's improvement item (server/reports/improvements.ts): laid
 * over the item generated from the verdicts with the same id, or a new item of its own
 * (`custom:<uuid>`). Only the fields set were edited.
 */
export const ImprovementEdit = z.object({
  id: z.string().min(1),
  drillId: z.string(),
  concerns: z
    .object({
      kind: z.enum(['step', 'rule', 'grade', 'other']),
      id: z.string(),
      title: z.string(),
    })
    .optional(),
  observation: z.string().optional(),
  recommendation: z.string().optional(),
  /** A name typed by the facilitator; never shown to viewers. */
  owner: z.string().optional(),
  /** `YYYY-MM-DD`. */
  dueDate: z.string().optional(),
  status: z.enum(['open', 'in-progress', 'done', 'dropped']).optional(),
  updatedAt: IsoTime,
  updatedBy: z.string(),
});
export type ImprovementEdit = z.infer<typeof ImprovementEdit>;

/** A participant's debrief answers, one per join link: a second answer replaces the first. */
export const DebriefRecord = z.object({
  drillId: z.string(),
  linkId: z.string(),
  personId: z.string().optional(),
  role: z.string(),
  wentWell: z.string(),
  didNotGoWell: z.string(),
  submittedAt: IsoTime,
});
export type DebriefRecord = z.infer<typeof DebriefRecord>;

/** A staff account's secret calendar-feed token (sha256), for calendar clients that cannot sign in. */
export const CalendarFeed = z.object({
  accountId: z.string(),
  tokenHash: Hash,
  createdAt: IsoTime,
});

export const CatalogueData = z.object({
  version: z.literal(CATALOGUE_VERSION),
  accounts: z.array(Account).default([]),
  sessions: z.array(Session).default([]),
  apiTokens: z.array(ApiToken).default([]),
  people: z.array(Person).default([]),
  teams: z.array(Team).default([]),
  drills: z.array(DrillRecord).default([]),
  joinLinks: z.array(JoinLink).default([]),
  library: z.array(LibraryFile).default([]),
  improvements: z.array(ImprovementEdit).default([]),
  debriefs: z.array(DebriefRecord).default([]),
  calendarFeeds: z.array(CalendarFeed).default([]),
});
export type CatalogueData = z.infer<typeof CatalogueData>;
export type Account = z.infer<typeof Account>;
export type Person = z.infer<typeof Person>;
export type Team = z.infer<typeof Team>;
export type JoinLink = z.infer<typeof JoinLink>;

/** An empty catalogue. */
export function emptyCatalogue(): CatalogueData {
  return CatalogueData.parse({ version: CATALOGUE_VERSION });
}

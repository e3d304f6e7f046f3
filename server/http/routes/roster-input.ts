import { z } from 'zod';
import { StaffRole, Webhook } from '../../store/catalogue-schema.js';
import { HttpError } from '../errors.js';

/** What the roster routes take: strict bodies, so a misspelt field is refused, never dropped. */

export const NewPerson = z.strictObject({
  name: z.string().min(1).max(200),
  email: z.email().optional(),
  webhooks: z.array(Webhook).max(5).optional(),
});

export const NewAccount = z.strictObject({
  username: z
    .string()
    .regex(
      /^[a-z0-9][a-z0-9._-]{1,39}$/,
      'lowercase letters, digits, dot, dash or underscore; 2 to 40',
    ),
  role: StaffRole,
});

/** True for a time zone the server's Intl knows (an IANA name such as `Asia/Seoul`). */
const knownZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
};

const teamFields = {
  name: z.string().min(1).max(200),
  timeZone: z
    .string()
    .min(1)
    .max(60)
    .refine(knownZone, 'not a time zone (an IANA name such as Asia/Seoul)')
    .optional(),
  members: z.array(z.string().min(1)).max(500).optional(),
};

export const NewTeam = z.strictObject(teamFields);

/** A team's edit: any of its fields, at least one; `members` replaces the whole list. */
export const TeamEdit = z
  .strictObject({ ...teamFields, name: teamFields.name.optional() })
  .refine((edit) => Object.values(edit).some((v) => v !== undefined), {
    message: 'nothing to change: send name, timeZone or members',
  });

/** A route that takes no body: an empty object or none at all. */
export const NoBody = z.strictObject({});

/**
 * Refuses a member list naming someone not on the roster, or anyone twice, with the index of
 * the first bad entry.
 */
export function checkMembers(people: readonly { id: string }[], members: readonly string[]) {
  const known = new Set(people.map((p) => p.id));
  const seen = new Set<string>();
  for (const [i, member] of members.entries()) {
    if (!known.has(member))
      throw new HttpError(400, 'bad-request', `members.${i}: no person '${member}' on the roster`);
    if (seen.has(member))
      throw new HttpError(400, 'bad-request', `members.${i}: '${member}' is listed twice`);
    seen.add(member);
  }
}

/** Drills named in a refusal: `'title' (status)`, the first five and how many more. */
export function drillList(drills: readonly { title: string; status: string }[]): string {
  const named = drills.slice(0, 5).map((d) => `'${d.title}' (${d.status})`);
  if (drills.length > 5) named.push(`${drills.length - 5} more`);
  return named.join(', ');
}

import type { StaffAgent } from '../helpers/server.js';

/** The Kakao manual's four roles, in the order the fault tests hand out links. */
export const ROLES = ['control-tower', 'operator', 'communicator', 'operations-lead'] as const;

/** A scheduled Pangyo-fire drill: its id and each join link's role and token, in link order. */
export interface PangyoDrill {
  id: string;
  links: { role: string; token: string }[];
}

/**
 * Schedules the Pangyo-fire drill through the API with `people` participants (default one a
 * role; roles repeat in ROLES order), no bots: now, or at `at` (epoch ms).
 */
export async function schedulePangyoDrill(
  staff: StaffAgent,
  options: { at?: number; people?: number } = {},
): Promise<PangyoDrill> {
  const res = await staff
    .post('/api/drills', {
      scenario: 'kakao-pangyo-fire',
      mode: options.at === undefined ? 'now' : 'at',
      at: options.at === undefined ? undefined : new Date(options.at).toISOString(),
      assignments: Array.from({ length: options.people ?? ROLES.length }, (_, i) => ({
        role: ROLES[i % ROLES.length],
        bot: false,
      })),
    })
    .expect(201);
  return {
    id: res.body.drill.id as string,
    links: (res.body.links as { role: string; url: string }[]).map((l) => ({
      role: l.role,
      token: l.url.split('/join/')[1] as string,
    })),
  };
}

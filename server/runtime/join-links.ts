import { v4 as uuid } from 'uuid';
import { newToken, tokenHash } from '../http/auth/tokens.js';
import type { JoinLink } from '../store/catalogue-schema.js';
import type { CatalogueStore } from '../store/store.js';
import type { WallClock } from './clock.js';
import { DrillInputError } from './drill-runner.js';

export interface JoinLinksOptions {
  catalogue: CatalogueStore;
  wall: WallClock;
  /** Base URL of the server, for the links people are sent. */
  baseUrl: string;
  /** Called for every link revoked, to close its sockets at once. */
  onRevoke?(drillId: string, linkId: string): void;
}

/** A join link as handed out once, right after it is made. */
export interface IssuedLink {
  id: string;
  role: string;
  personId?: string;
  url: string;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * The join links of every drill: minted (the catalogue keeps only their hash; the plain token is
 * handed out once), revoked, and looked up for standby pages. A person may hold several links to
 * one drill — the one handed out at scheduling, the paged one, the standby page's.
 */
export class JoinLinks {
  /** Links minted for standby pages, by drill and person; plain tokens live only in memory. */
  private readonly standby = new Map<string, string>();

  constructor(private readonly options: JoinLinksOptions) {}

  /** A new link for one person (or an unnamed participant) in one role; not yet stored. */
  mint(drillId: string, role: string, personId?: string): { link: JoinLink; url: string } {
    const token = newToken('join');
    const link: JoinLink = {
      id: uuid(),
      tokenHash: tokenHash(token),
      drillId,
      personId,
      role,
      createdAt: iso(this.options.wall.now()),
    };
    return { link, url: `${this.options.baseUrl}/join/${token}` };
  }

  /** Mints a link and stores it at once; returns the URL to send. */
  async issue(drillId: string, role: string, personId?: string): Promise<string> {
    const { link, url } = this.mint(drillId, role, personId);
    await this.options.catalogue.update((data) => {
      data.joinLinks.push(link);
    });
    return url;
  }

  /**
   * Revokes a join link and takes its person off the drill: every link of that person on the
   * drill is revoked, their sockets close at once, and their standby page no longer names it.
   */
  async revoke(drillId: string, linkId: string): Promise<void> {
    const revoked = await this.options.catalogue.update((data) => {
      const link = data.joinLinks.find((l) => l.id === linkId && l.drillId === drillId);
      if (!link) return undefined;
      const now = iso(this.options.wall.now());
      const theirs = data.joinLinks.filter(
        (l) =>
          l.id === link.id ||
          (link.personId !== undefined && l.drillId === drillId && l.personId === link.personId),
      );
      for (const l of theirs) l.revokedAt ??= now;
      return theirs.map((l) => l.id);
    });
    if (!revoked) throw new DrillInputError('unknown-link', `unknown link '${linkId}'`);
    for (const id of revoked) this.options.onRevoke?.(drillId, id);
  }

  /** True when the person was taken off the drill by a revoked link. */
  isRevoked(drillId: string, personId: string): boolean {
    return this.options.catalogue
      .read()
      .joinLinks.some((l) => l.drillId === drillId && l.personId === personId && l.revokedAt);
  }

  /**
   * The join link a person's standby page opens for a live drill they are on in `role`. Minted
   * once per drill and person while the server runs.
   */
  async standbyUrl(drillId: string, personId: string, role: string | undefined): Promise<string> {
    const key = `${drillId}:${personId}`;
    const known = this.standby.get(key);
    if (known) return known;
    if (!role || this.isRevoked(drillId, personId))
      throw new DrillInputError('not-assigned', 'the person is not on this drill');
    const url = await this.issue(drillId, role, personId);
    this.standby.set(key, url);
    return url;
  }

  /** Forgets the standby links of a drill that ended (the stored links stay, revocable). */
  release(drillId: string): void {
    for (const key of this.standby.keys())
      if (key.startsWith(`${drillId}:`)) this.standby.delete(key);
  }

  /** True while standby links of the drill are held in memory. */
  holds(drillId: string): boolean {
    return [...this.standby.keys()].some((k) => k.startsWith(`${drillId}:`));
  }
}

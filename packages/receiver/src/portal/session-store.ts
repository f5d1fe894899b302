import { randomBytes } from 'node:crypto';

/** Who a session speaks for: one client (a scoped token) or every client (unscoped: the operator). */
export interface Session {
  id: string;
  scopeClient: string | null;
  /** Sent back in every form of this session (sign-out): a cross-site form cannot know it. */
  csrf: string;
  expiresAt: number;
}

export const SESSION_TTL_MS = 8 * 3_600_000;
const MAX_SESSIONS = 10_000;

export const randomId = () => randomBytes(32).toString('base64url');

/**
 * Sessions by random id, in this process's memory. The cookie carries only the id (never the API
 * token); a restart signs everybody out. Bounded: past MAX_SESSIONS the oldest session goes first.
 */
export class SessionStore {
  private readonly sessions = new Map<string, Session>();

  constructor(private readonly now: () => Date) {}

  create(scopeClient: string | null): Session {
    if (this.sessions.size >= MAX_SESSIONS) this.sessions.delete(this.sessions.keys().next().value!);
    const session = { id: randomId(), scopeClient, csrf: randomId(), expiresAt: this.now().getTime() + SESSION_TTL_MS };
    this.sessions.set(session.id, session);
    return session;
  }

  get(id: string | undefined): Session | null {
    const session = id ? this.sessions.get(id) : undefined;
    if (!session) return null;
    if (session.expiresAt <= this.now().getTime()) {
      this.sessions.delete(session.id);
      return null;
    }
    return session;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }
}

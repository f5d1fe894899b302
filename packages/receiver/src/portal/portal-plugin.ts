import type { ReceiverPlugin } from '../server/receiver.js';
import { PortalApi } from './portal-api.js';
import { portalRoutes } from './portal-routes.js';
import { SessionStore } from './session-store.js';
import { SignInLimiter } from './sign-in-limiter.js';

/** The portal (docs/portal.md): pages on the serve port, figures from the API routes in-process. */
export const portalPlugin: ReceiverPlugin = {
  name: 'portal',
  create(ctx) {
    return {
      pages: portalRoutes({
        portal: ctx.config.file.portal,
        apiTokens: ctx.config.server.apiTokens,
        api: new PortalApi(ctx.callApi),
        sessions: new SessionStore(ctx.now),
        limiter: new SignInLimiter(ctx.now),
        now: ctx.now,
        log: ctx.log,
      }),
    };
  },
};

import type { Api, HttpServices } from '../api.js';
import { bearerToken, requireViewer } from '../auth.js';
import { accountJson } from '../present.js';
import { errors, LogInBody, NoContent, SessionResponse } from '../schemas.js';

export function sessionRoutes(app: Api, { accounts }: HttpServices) {
  app.post(
    '/sessions',
    { schema: { body: LogInBody, response: { 200: SessionResponse, ...errors(400, 401) } } },
    async (request) => {
      const session = await accounts.logIn(request.body);
      return { account: accountJson(session.account), token: session.token };
    },
  );

  app.delete(
    '/sessions/current',
    { schema: { response: { 204: NoContent, ...errors(401) } } },
    async (request, reply) => {
      await requireViewer(request, accounts);
      const token = bearerToken(request);
      if (token !== null) await accounts.logOut(token);
      return reply.status(204).send(null);
    },
  );
}

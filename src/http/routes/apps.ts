import { Type } from 'typebox';
import { unauthorized } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { sessionOf } from '../auth.js';
import {
  ApplicationSchema,
  CredentialApplicationSchema,
  presentApplication,
} from '../presenters/application.js';
import { errors } from '../schemas.js';

const RegisterApp = Type.Object({
  client_name: Type.String({ maxLength: 200 }),
  redirect_uris: Type.Union(
    [Type.String({ maxLength: 4_000 }), Type.Array(Type.String({ maxLength: 2_000 }))],
    {
      description:
        'one or more URIs, separated by white space (or a list); urn:ietf:wg:oauth:2.0:oob to show codes',
    },
  ),
  scopes: Type.Optional(Type.String({ maxLength: 2_000, description: 'space-separated; default "read"' })),
  website: Type.Optional(Type.Union([Type.String({ maxLength: 2_000 }), Type.Null()])),
});

/** `POST /api/v1/apps` and `GET /api/v1/apps/verify_credentials`: how a client registers, and checks its token. */
export function appRoutes(app: Api, { oauth, accounts }: Pick<HttpContext, 'oauth' | 'accounts'>) {
  app.post(
    '/apps',
    { schema: { body: RegisterApp, response: { 200: CredentialApplicationSchema, ...errors(400, 422) } } },
    async (request) => {
      const { client_name, redirect_uris, scopes, website } = request.body;
      const { app: registered, clientSecret } = await oauth.registerApp({
        name: client_name,
        redirectUris: redirect_uris,
        scopes,
        website: website ?? undefined,
      });
      return {
        ...presentApplication(registered),
        client_id: registered.clientId,
        client_secret: clientSecret,
        client_secret_expires_at: 0,
      };
    },
  );

  app.get(
    '/apps/verify_credentials',
    { schema: { response: { 200: ApplicationSchema, ...errors(401) } } },
    async (request) => {
      const session = await sessionOf(request, accounts);
      const registered = session ? await oauth.appOf(session) : null;
      if (!registered) throw unauthorized('The access token is not an app token');
      return presentApplication(registered);
    },
  );
}

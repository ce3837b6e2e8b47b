/*
 * The OAuth 2 endpoints (authorize page and form, token, revoke, the server metadata). A little over ~300 lines:
 * they share the OAuth error body, its mapping and the form handling, which belong to no other route file.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { AppError, OAuthError } from '../../domain/errors.js';
import { ALL_SCOPES } from '../../domain/scopes.js';
import { OUT_OF_BAND } from '../../services/oauth.js';
import type { Api, HttpContext } from '../api.js';
import { toHttpError } from '../errors.js';
import { codePage, consentPage, errorPage } from '../oauth-page.js';
import { presentToken, TokenSchema } from '../presenters/application.js';

/** OAuth's error body (RFC 6749 §5.2), with Starling's stable code beside it. */
const OAuthErrorSchema = Type.Object({
  error: Type.String(),
  error_description: Type.String(),
  code: Type.String(),
});
const HTML = { description: 'an HTML page', content: { 'text/html': { schema: Type.String() } } };
const REDIRECT = { description: 'to the redirect URI, with code and state (or error)', type: 'null' };

type Params = Record<string, string | undefined>;

/** OAuth parameters arrive as a JSON or form body, in the query string, or both (some clients send an empty body). */
function paramsOf(request: FastifyRequest): Params {
  const out: Params = {};
  for (const source of [request.query, request.body]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [name, value] of Object.entries(source)) {
      if (typeof value === 'string') out[name] = value;
      else if (typeof value === 'number' || typeof value === 'boolean') out[name] = String(value);
    }
  }
  return out;
}

/** HTTP Basic client authentication (client_secret_basic), the other way RFC 6749 lets clients identify. */
function basicClient(request: FastifyRequest): { clientId?: string; clientSecret?: string } {
  const match = /^Basic ([A-Za-z0-9+/=]+)$/i.exec(request.headers.authorization ?? '');
  if (!match?.[1]) return {};
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return {};
  return {
    clientId: decodeURIComponent(decoded.slice(0, colon)),
    clientSecret: decodeURIComponent(decoded.slice(colon + 1)),
  };
}

function client(request: FastifyRequest, params: Params) {
  const basic = basicClient(request);
  return {
    clientId: params.client_id ?? basic.clientId,
    clientSecret: params.client_secret ?? basic.clientSecret,
  };
}

/** The authorization request's own parameters, as the consent form carries them back. */
const AUTHORIZATION_PARAMS = [
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
] as const;

function authorizationRequest(params: Params) {
  return {
    clientId: params.client_id ?? '',
    redirectUri: params.redirect_uri ?? '',
    scope: params.scope,
    codeChallenge: params.code_challenge,
    codeChallengeMethod: params.code_challenge_method,
  };
}

/**
 * The page's own CSP. It allows the form to lead to the app's redirect URI: Chrome and Safari apply `form-action` to
 * the redirect after a form post, so an app's own scheme (`com.example.app:`) must be listed or sign-in dead-ends.
 */
function pageSecurity(reply: FastifyReply, redirectUri: string | undefined) {
  let target = '';
  if (redirectUri && redirectUri !== OUT_OF_BAND) {
    try {
      const url = new URL(redirectUri);
      target = url.protocol === 'http:' || url.protocol === 'https:' ? ` ${url.origin}` : ` ${url.protocol}`;
    } catch {
      target = '';
    }
  }
  reply
    .header(
      'content-security-policy',
      `default-src 'none'; style-src 'unsafe-inline'; form-action 'self'${target}; frame-ancestors 'none'; base-uri 'none'`,
    )
    .header('cache-control', 'no-store')
    .type('text/html; charset=utf-8');
}

function redirectWith(redirectUri: string, values: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [name, value] of Object.entries(values))
    if (value !== undefined) url.searchParams.set(name, value);
  return url.toString();
}

/**
 * OAuth 2 as Mastodon clients use it: the authorization page (code grant with PKCE), the token endpoint (code,
 * password and client-credentials grants), revocation, and the server metadata (RFC 8414) that tells clients PKCE's
 * S256 is supported. Errors here take OAuth's shape, `{error, error_description}`.
 */
export function oauthRoutes(app: Api, { oauth, presentation }: Pick<HttpContext, 'oauth' | 'presentation'>) {
  app.setErrorHandler((error, request, reply) => {
    const mapped = toHttpError(error);
    if (mapped.status >= 500) request.log.error({ err: error }, 'request failed');
    const oauthCode =
      error instanceof OAuthError
        ? error.oauthCode
        : mapped.status === 401
          ? 'invalid_client'
          : mapped.status >= 500
            ? 'server_error'
            : mapped.code === 'rate_limited'
              ? 'slow_down'
              : 'invalid_request';
    return reply
      .status(mapped.status)
      .header('cache-control', 'no-store')
      .send({ error: oauthCode, error_description: mapped.message, code: mapped.code });
  });

  // The form posts the request back as it came: both requests are checked alike, or a POST could skip a check.
  const checkRequest = (params: Params) => {
    if (params.response_type !== 'code') {
      throw new OAuthError('unsupported_response_type', 'response_type must be "code"');
    }
    return oauth.checkAuthorization(authorizationRequest(params));
  };

  app.get(
    '/oauth/authorize',
    {
      schema: {
        tags: ['oauth'],
        summary: 'The sign-in and consent page (authorization code, PKCE S256)',
        description:
          'HTML. Parameters: response_type=code, client_id, redirect_uri, scope, state, code_challenge, code_challenge_method=S256. An unknown client or unregistered redirect_uri is shown as an error page, never redirected.',
        response: { 200: HTML, 400: HTML },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      pageSecurity(reply, params.redirect_uri);
      try {
        const checked = await checkRequest(params);
        const hidden = Object.fromEntries(
          AUTHORIZATION_PARAMS.flatMap((n) => (params[n] ? [[n, params[n]]] : [])),
        );
        return reply.send(consentPage({ app: checked.app, scopes: checked.scopes, hidden }));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply.status(400).send(errorPage(error.message));
      }
    },
  );

  app.post(
    '/oauth/authorize',
    {
      schema: {
        tags: ['oauth'],
        summary: 'The consent form posted back',
        description:
          'Form fields: the authorization request, handle, password, decision (approve or deny). Redirects to redirect_uri with code and state (or error=access_denied); out of band, shows the code.',
        response: { 200: HTML, 302: REDIRECT, 400: HTML, 401: HTML },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      pageSecurity(reply, params.redirect_uri);
      let checked: Awaited<ReturnType<typeof oauth.checkAuthorization>>;
      try {
        checked = await checkRequest(params);
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        return reply.status(400).send(errorPage(error.message));
      }
      if (params.decision !== 'approve') {
        if (checked.redirectUri === OUT_OF_BAND) return reply.send(errorPage('You denied the app access.'));
        return reply.redirect(
          redirectWith(checked.redirectUri, { error: 'access_denied', state: params.state }),
          302,
        );
      }
      try {
        const granted = await oauth.authorize(authorizationRequest(params), {
          handle: params.handle ?? '',
          password: params.password ?? '',
        });
        if (granted.redirectUri === OUT_OF_BAND) return reply.send(codePage(granted.app, granted.code));
        return reply.redirect(
          redirectWith(granted.redirectUri, { code: granted.code, state: params.state }),
          302,
        );
      } catch (error) {
        if (!(error instanceof AppError) || error.code !== 'unauthorized') throw error;
        const hidden = Object.fromEntries(
          AUTHORIZATION_PARAMS.flatMap((n) => (params[n] ? [[n, params[n]]] : [])),
        );
        return reply.status(401).send(
          consentPage({
            app: checked.app,
            scopes: checked.scopes,
            hidden,
            handle: params.handle ?? '',
            error: 'That handle and password do not match.',
          }),
        );
      }
    },
  );

  app.post(
    '/oauth/token',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Tokens: authorization_code (with PKCE), password, client_credentials',
        description:
          'Parameters as JSON, form or query string; client authentication by client_id and client_secret, or HTTP Basic. Answers {access_token, token_type, scope, created_at}; errors {error, error_description, code}.',
        response: { 200: TokenSchema, 400: OAuthErrorSchema, 401: OAuthErrorSchema, 429: OAuthErrorSchema },
      },
    },
    async (request, reply) => {
      const params = paramsOf(request);
      const credentials = client(request, params);
      reply.header('cache-control', 'no-store');
      switch (params.grant_type) {
        case 'authorization_code':
          return presentToken(
            await oauth.exchangeCode({
              ...credentials,
              code: params.code,
              redirectUri: params.redirect_uri,
              codeVerifier: params.code_verifier,
            }),
          );
        case 'password':
          return presentToken(
            await oauth.passwordGrant({
              ...credentials,
              username: params.username,
              password: params.password,
              scope: params.scope,
            }),
          );
        case 'client_credentials':
          return presentToken(await oauth.clientCredentials({ ...credentials, scope: params.scope }));
        default:
          throw new OAuthError(
            params.grant_type ? 'unsupported_grant_type' : 'invalid_request',
            'grant_type must be authorization_code, password or client_credentials',
          );
      }
    },
  );

  app.post(
    '/oauth/revoke',
    {
      schema: {
        tags: ['oauth'],
        summary: 'Revokes a token of this client',
        description:
          'Parameters: client_id, client_secret, token. Answers {} whatever the token was (RFC 7009).',
        response: { 200: Type.Object({}), 400: OAuthErrorSchema, 401: OAuthErrorSchema },
      },
    },
    async (request) => {
      const params = paramsOf(request);
      await oauth.revoke({ ...client(request, params), token: params.token });
      return {};
    },
  );

  app.get(
    '/.well-known/oauth-authorization-server',
    {
      schema: {
        tags: ['oauth'],
        summary: 'OAuth server metadata (RFC 8414)',
        description:
          'Endpoints, scopes, grant types, and code_challenge_methods_supported (S256), which clients read to use PKCE.',
        response: { 200: Type.Object({}, { additionalProperties: true }), 401: OAuthErrorSchema },
      },
    },
    async (request) => {
      const { origin } = presentation(request);
      return {
        issuer: `${origin}/`,
        service_documentation: `${origin}/api/v1/docs`,
        authorization_endpoint: `${origin}/oauth/authorize`,
        token_endpoint: `${origin}/oauth/token`,
        revocation_endpoint: `${origin}/oauth/revoke`,
        app_registration_endpoint: `${origin}/api/v1/apps`,
        scopes_supported: ALL_SCOPES,
        response_types_supported: ['code'],
        response_modes_supported: ['query'],
        grant_types_supported: ['authorization_code', 'password', 'client_credentials'],
        token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
        code_challenge_methods_supported: ['S256'],
      };
    },
  );
}

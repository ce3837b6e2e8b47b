import { Type } from 'typebox';
import { notSupported } from '../../domain/errors.js';
import type { Api, HttpContext } from '../api.js';
import { requireViewer } from '../auth.js';
import { Flag, isSet, listOf, nestParams } from '../params.js';
import { CredentialAccountSchema, presentCredentialAccount } from '../presenters/account.js';
import { errors } from '../schemas.js';
import { UPLOAD_LIMITS } from './media.js';

const Field = Type.Object({
  name: Type.Optional(Type.String({ maxLength: 1_024 })),
  value: Type.Optional(Type.String({ maxLength: 1_024 })),
});

const optionalFlag = (description: string) => Type.Optional({ ...Flag, description });

const UpdateCredentials = Type.Object({
  display_name: Type.Optional(Type.String({ maxLength: 200, description: 'at most 50 characters' })),
  note: Type.Optional(
    Type.String({ maxLength: 4_000, description: 'the bio, plain text, at most 500 characters' }),
  ),
  avatar: Type.Optional(
    Type.Unknown({ description: 'an image file (multipart), cropped to 400 × 400; JPEG, PNG, WebP or GIF' }),
  ),
  header: Type.Optional(Type.Unknown({ description: 'an image file (multipart), cropped to 1500 × 500' })),
  locked: optionalFlag('only false: Starling has no follow requests (true is refused with 422)'),
  bot: optionalFlag('whether the account is automated'),
  discoverable: optionalFlag('whether the account may be suggested to others'),
  hide_collections: optionalFlag('accepted and ignored'),
  indexable: optionalFlag('accepted and ignored'),
  fields_attributes: Type.Optional(
    Type.Union(
      [Type.Array(Field, { maxItems: 16 }), Type.Record(Type.String({ pattern: '^[0-9]{1,2}$' }), Field)],
      {
        description:
          'up to 4 {name, value} pairs (`fields_attributes[0][name]=…` in forms); replaces all fields',
      },
    ),
  ),
  source: Type.Optional(
    Type.Object({
      privacy: Type.Optional(
        Type.Union([
          Type.Literal('public'),
          Type.Literal('unlisted'),
          Type.Literal('private'),
          Type.Literal('direct'),
        ]),
      ),
      sensitive: Type.Optional(Flag),
      language: Type.Optional(Type.String({ maxLength: 16 })),
    }),
  ),
});

const flag = (value: boolean | string | undefined) => (value === undefined ? undefined : isSet(value));

type Slice = Pick<HttpContext, 'accounts' | 'profiles' | 'presentation'>;

/** One's own profile: `update_credentials` (JSON, form or multipart with images), and removing the images. */
export function profileRoutes(app: Api, { accounts, profiles, presentation }: Slice) {
  app.patch(
    '/accounts/update_credentials',
    {
      schema: {
        summary: 'Change your profile',
        description:
          'Display name, bio, fields, avatar and header, and posting defaults. Absent parameters stay as they are. ' +
          'Every process shows the change within moments (at most a minute if it missed the notice).',
        consumes: ['multipart/form-data', 'application/json', 'application/x-www-form-urlencoded'],
        body: UpdateCredentials,
        response: { 200: CredentialAccountSchema, ...errors(400, 401, 403, 413, 415, 422, 429) },
      },
      config: UPLOAD_LIMITS,
      preValidation: async (request) => {
        request.body = nestParams(request.body) as typeof request.body;
      },
    },
    async (request) => {
      const owner = await requireViewer(request, accounts, 'write:accounts');
      const body = request.body;
      const privacy = body.source?.privacy;
      if (privacy === 'private' || privacy === 'direct') {
        throw notSupported(`visibility "${privacy}" is not supported yet; use public or unlisted`);
      }
      const updated = await profiles.update(owner, {
        displayName: body.display_name,
        note: body.note,
        avatar: body.avatar,
        header: body.header,
        locked: flag(body.locked),
        bot: flag(body.bot),
        discoverable: flag(body.discoverable),
        fields: listOf(body.fields_attributes),
        privacy,
        sensitive: flag(body.source?.sensitive),
        language: body.source?.language,
      });
      return presentCredentialAccount(updated, presentation(request));
    },
  );

  for (const which of ['avatar', 'header'] as const) {
    app.delete(
      `/profile/${which}`,
      {
        schema: {
          description: `Back to the default ${which}.`,
          response: { 200: CredentialAccountSchema, ...errors(401, 403) },
        },
      },
      async (request) => {
        const owner = await requireViewer(request, accounts, 'write:accounts');
        return presentCredentialAccount(await profiles.removeImage(owner, which), presentation(request));
      },
    );
  }
}

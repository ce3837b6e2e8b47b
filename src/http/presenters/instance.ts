import { IMAGE_TYPES, MEDIA_LIMITS } from '../../domain/media.js';
import { MAX_WEIGHTED_LENGTH } from '../../domain/tweet-text.js';
import type { Presentation } from './presentation.js';

/** The Mastodon API version Starling implements: clients gate features on it (as semver), so it comes first. */
export const MASTODON_API_VERSION = '4.3.0';
/** twitter-text counts every URL as this many characters, whatever its length. */
const CHARACTERS_PER_URL = 23;

export interface InstanceFacts {
  title: string;
  description: string;
  /** Starling's own version. */
  version: string;
  contactEmail: string;
  stats: { accounts: number; statuses: number };
}

const versionString = (version: string) => `${MASTODON_API_VERSION} (compatible; Starling ${version})`;

function streamingUrl(origin: string): string {
  return origin.replace(/^http/, 'ws');
}

const statusLimits = {
  max_characters: MAX_WEIGHTED_LENGTH,
  max_media_attachments: MEDIA_LIMITS.maxPerStatus,
  characters_reserved_per_url: CHARACTERS_PER_URL,
};
// Images only, no polls: clients read these limits to show (or hide) the controls.
const mediaLimits = {
  supported_mime_types: Object.values(IMAGE_TYPES),
  image_size_limit: MEDIA_LIMITS.maxBytes,
  image_matrix_limit: MEDIA_LIMITS.maxPixels,
  description_limit: MEDIA_LIMITS.maxDescription,
  video_size_limit: 0,
  video_frame_rate_limit: 0,
  video_matrix_limit: 0,
};
const pollLimits = { max_options: 0, max_characters_per_option: 0, min_expiration: 0, max_expiration: 0 };

/** `GET /api/v2/instance`: the server and its limits, where clients find the streaming URL. */
export function presentInstanceV2(facts: InstanceFacts, { origin }: Presentation) {
  const domain = new URL(origin).host;
  return {
    domain,
    title: facts.title,
    version: versionString(facts.version),
    description: facts.description,
    usage: { users: { active_month: facts.stats.accounts } },
    thumbnail: { url: `${origin}/icon.png`, blurhash: null, versions: {} },
    icon: [],
    languages: ['en'],
    configuration: {
      urls: { streaming: streamingUrl(origin), status: null },
      vapid: { public_key: '' },
      accounts: { max_featured_tags: 0, max_pinned_statuses: 0 },
      statuses: statusLimits,
      media_attachments: mediaLimits,
      polls: pollLimits,
      translation: { enabled: false },
    },
    registrations: { enabled: true, approval_required: false, message: null, url: null },
    api_versions: { mastodon: 2 },
    contact: { email: facts.contactEmail, account: null },
    rules: [],
  };
}

/** `GET /api/v1/instance`, the older shape some clients still ask for first. */
export function presentInstanceV1(facts: InstanceFacts, { origin }: Presentation) {
  const domain = new URL(origin).host;
  return {
    uri: domain,
    title: facts.title,
    short_description: facts.description,
    description: facts.description,
    email: facts.contactEmail,
    version: versionString(facts.version),
    urls: { streaming_api: streamingUrl(origin) },
    stats: { user_count: facts.stats.accounts, status_count: facts.stats.statuses, domain_count: 0 },
    thumbnail: `${origin}/icon.png`,
    languages: ['en'],
    registrations: true,
    approval_required: false,
    invites_enabled: false,
    configuration: {
      accounts: { max_featured_tags: 0 },
      statuses: statusLimits,
      media_attachments: mediaLimits,
      polls: pollLimits,
    },
    contact_account: null,
    rules: [],
  };
}

/** NodeInfo 2.0: how other software (megalodon's detector among them) tells what a server speaks. */
export function presentNodeInfo(facts: InstanceFacts) {
  return {
    version: '2.0',
    software: { name: 'starling', version: facts.version },
    protocols: [],
    services: { outbound: [], inbound: [] },
    usage: {
      users: {
        total: facts.stats.accounts,
        activeMonth: facts.stats.accounts,
        activeHalfyear: facts.stats.accounts,
      },
      localPosts: facts.stats.statuses,
    },
    openRegistrations: true,
    metadata: { nodeName: facts.title, upstream: { name: 'mastodon', version: MASTODON_API_VERSION } },
  };
}

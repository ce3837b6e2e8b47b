import { type Static, Type } from 'typebox';
import { nullable } from '../schemas.js';

/**
 * The Mastodon Relationship entity. Every field clients read is present; Starling has follows and nothing else of
 * the kind (no blocks, mutes, follow requests or endorsements yet), so those are always false.
 */
export const RelationshipSchema = Type.Object({
  id: Type.String(),
  following: Type.Boolean(),
  showing_reblogs: Type.Boolean(),
  notifying: Type.Boolean(),
  languages: nullable(Type.Array(Type.String())),
  followed_by: Type.Boolean(),
  blocking: Type.Boolean(),
  blocked_by: Type.Boolean(),
  muting: Type.Boolean(),
  muting_notifications: Type.Boolean(),
  requested: Type.Boolean(),
  requested_by: Type.Boolean(),
  domain_blocking: Type.Boolean(),
  endorsed: Type.Boolean(),
  note: Type.String(),
});

export type RelationshipJson = Static<typeof RelationshipSchema>;

export interface Relationship {
  accountId: bigint;
  /** The viewer follows the account. */
  following: boolean;
  /** The account follows the viewer. */
  followedBy: boolean;
}

export const presentRelationship = (r: Relationship): RelationshipJson => ({
  id: r.accountId.toString(),
  following: r.following,
  showing_reblogs: r.following,
  notifying: false,
  languages: null,
  followed_by: r.followedBy,
  blocking: false,
  blocked_by: false,
  muting: false,
  muting_notifications: false,
  requested: false,
  requested_by: false,
  domain_blocking: false,
  endorsed: false,
  note: '',
});

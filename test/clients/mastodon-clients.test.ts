import { createOAuthAPIClient, createRestAPIClient, type mastodon } from 'masto';
import megalodon, { detector } from 'megalodon';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PASSWORD } from '../support/apps.js';
import { type Harness, startHarness } from '../support/harness.js';
import { image } from '../support/images.js';
import { hiddenFields, pkce } from '../support/oauth-flow.js';
import { expectAccount, expectStatus } from './entities.js';

/**
 * Starling driven by Mastodon client libraries no one here wrote — masto.js and megalodon — over real HTTP, the
 * way a new user of an app meets it: the app registers, takes its own token, signs its user up and in (by password,
 * and by the authorization-code flow with PKCE through the sign-in page), then reads and writes. Workers are drained
 * between steps, so every read sees what the steps before it did.
 */

/** megalodon is CommonJS: Node's loader gives its exports object as the default import, vitest its `default`. */
const generator = typeof megalodon === 'function' ? megalodon : megalodon.default;

const REDIRECT = 'com.example.clienttest:/oauth';
const SCOPES = 'read write follow push';

let h: Harness;
let base: string;
let oauth: mastodon.oauth.Client;
let client: mastodon.v1.Client;
let appToken: string;
/** Signed in by the password grant. */
let alice: mastodon.rest.Client;
let aliceId: string;
/** Signed in through the sign-in page (authorization code with PKCE). */
let bob: mastodon.rest.Client;
let bobId: string;
let bobToken: string;

/** How the app identifies itself to the token endpoint. */
const credentials = () => ({
  clientId: client.clientId as string,
  clientSecret: client.clientSecret as string,
  redirectUri: REDIRECT,
});
const rest = (accessToken?: string) => createRestAPIClient({ url: base, accessToken, timeout: 10_000 });

beforeAll(async () => {
  h = await startHarness();
  base = await h.app.http.listen({ port: 0, host: '127.0.0.1' });
  oauth = createOAuthAPIClient({ url: base, timeout: 10_000 });
});
afterAll(() => h.close());

const text = (status: mastodon.v1.Status) => status.content.replace(/<[^>]+>/g, '');

/** What a person does in the browser: open the sign-in page, post its form, land on the app's redirect URI. */
async function signInThroughThePage(handle: string, challenge: string, state: string): Promise<string> {
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: client.clientId as string,
    redirect_uri: REDIRECT,
    scope: SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
  });
  const page = await fetch(`${base}/oauth/authorize?${query}`);
  expect(page.status).toBe(200);
  const form = new URLSearchParams({
    ...hiddenFields(await page.text()),
    handle,
    password: PASSWORD,
    decision: 'approve',
  });
  const answer = await fetch(`${base}/oauth/authorize`, { method: 'POST', body: form, redirect: 'manual' });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location') as string);
  expect(`${location.protocol}${location.pathname}`).toBe(REDIRECT);
  expect(location.searchParams.get('state')).toBe(state);
  return location.searchParams.get('code') as string;
}

describe('masto.js', () => {
  it('registers an app and takes its own token (client credentials)', async () => {
    client = await rest().v1.apps.create({
      clientName: 'masto.js test',
      redirectUris: REDIRECT,
      scopes: SCOPES,
      website: 'https://client.example',
    });
    expect(client.clientId).toEqual(expect.any(String));
    expect(client.clientSecret).toEqual(expect.any(String));
    const token = await oauth.token.create({
      grantType: 'client_credentials',
      ...credentials(),
      scope: SCOPES,
    });
    expect(token).toMatchObject({ tokenType: 'Bearer', scope: SCOPES, createdAt: expect.any(Number) });
    appToken = token.accessToken;
    expect((await rest(appToken).v1.apps.verifyCredentials()).name).toBe('masto.js test');
  });

  it('signs accounts up, then in by password and through the sign-in page with PKCE', async () => {
    for (const username of ['alice', 'bob']) {
      const token = await rest(appToken).v1.accounts.create({
        username,
        email: `${username}@client.example`,
        password: PASSWORD,
        agreement: true,
        locale: 'en',
      });
      expect(token.accessToken).toEqual(expect.any(String));
    }
    const byPassword = await oauth.token.create({
      grantType: 'password',
      ...credentials(),
      username: 'alice',
      password: PASSWORD,
      scope: SCOPES,
    });
    alice = rest(byPassword.accessToken);

    const { verifier, challenge } = pkce();
    const code = await signInThroughThePage('bob', challenge, 'opaque-state');
    const exchange = {
      grantType: 'authorization_code' as const,
      ...credentials(),
      code,
      codeVerifier: verifier,
    };
    const byCode = await oauth.token.create(exchange);
    expect(byCode.scope).toBe(SCOPES);
    bobToken = byCode.accessToken;
    bob = rest(bobToken);
    // A code is good once.
    await expect(oauth.token.create(exchange)).rejects.toMatchObject({ statusCode: 400 });
  });

  it('reads the instance, v2 first and v1', async () => {
    const v2 = await rest().v2.instance.fetch();
    expect(v2.version).toMatch(/^4\.\d+\.\d+ \(compatible; Starling \d+\.\d+\.\d+\)$/);
    expect(v2.domain).toBe(new URL(base).host);
    expect(v2.configuration.urls.streaming).toMatch(/^ws/);
    expect(v2.configuration.statuses.maxCharacters).toBe(280);
    expect(v2.configuration.statuses.charactersReservedPerUrl).toBe(23);
    const v1 = await rest().v1.instance.fetch();
    expect(v1.version).toBe(v2.version);
    expect(v1.urls.streamingApi).toMatch(/^ws/);
    expect(v1.stats.userCount).toBe(2);
  });

  it('verifies credentials, looks accounts up, and tells relationships apart', async () => {
    const me = await alice.v1.accounts.verifyCredentials();
    expectAccount(me, 'alice');
    aliceId = me.id;
    const found = await alice.v1.accounts.lookup({ acct: 'bob' });
    expectAccount(found, 'bob');
    bobId = found.id;
    expect((await bob.v1.accounts.verifyCredentials()).id).toBe(bobId);
    // A real avatar: a PNG at the URL the account gives.
    const avatar = await fetch(me.avatar);
    expect(avatar.headers.get('content-type')).toBe('image/png');
    expect(
      Buffer.from(await avatar.arrayBuffer())
        .subarray(1, 4)
        .toString(),
    ).toBe('PNG');

    const followed = await alice.v1.accounts.$select(bobId).follow();
    expect(followed).toMatchObject({ id: bobId, following: true, followedBy: false });
    await h.drain();
    const relationships = await bob.v1.accounts.relationships.fetch({ id: [aliceId, bobId] });
    expect(relationships).toHaveLength(2);
    const [toAlice] = relationships;
    expect(toAlice).toMatchObject({
      id: aliceId,
      following: false,
      followedBy: true,
      blocking: false,
      muting: false,
      mutingNotifications: false,
      requested: false,
      domainBlocking: false,
      notifying: false,
      endorsed: false,
      note: '',
    });
    expect(typeof toAlice?.showingReblogs).toBe('boolean');
    const [fromAlice] = await alice.v1.accounts.relationships.fetch({ id: [bobId] });
    expect(fromAlice).toMatchObject({ id: bobId, following: true, followedBy: false });
  });

  let bobs: mastodon.v1.Status[] = [];
  let reply: mastodon.v1.Status;
  let boost: mastodon.v1.Status;

  it('posts, replies, favourites and reblogs', async () => {
    bobs = [];
    for (let i = 0; i < 7; i++)
      bobs.push(await bob.v1.statuses.create({ status: `bob says ${i} #clienttest` }));
    for (const status of bobs) expectStatus(status);
    const first = bobs[0] as mastodon.v1.Status;
    expect(first).toMatchObject({ visibility: 'public', reblog: null, inReplyToId: null });
    expect(first.tags.map((t) => t.name)).toEqual(['clienttest']);
    await alice.v1.statuses.create({ status: 'alice, first', visibility: 'public', language: 'en' });
    reply = await alice.v1.statuses.create({ status: '@bob I agree', inReplyToId: first.id });
    expectStatus(reply);
    expect(reply).toMatchObject({ inReplyToId: first.id, inReplyToAccountId: bobId });
    expect(reply.mentions).toMatchObject([{ id: bobId, username: 'bob', acct: 'bob' }]);

    const favourited = await alice.v1.statuses.$select(first.id).favourite();
    expect(favourited).toMatchObject({ id: first.id, favourited: true });
    boost = await alice.v1.statuses.$select(bobs[1]?.id as string).reblog();
    expectStatus(boost);
    expect(boost.id).not.toBe(bobs[1]?.id);
    expect(boost.reblog).toMatchObject({ id: bobs[1]?.id, reblogged: true });
    expect(boost.account.id).toBe(aliceId);
    await h.drain();
    const counted = await alice.v1.statuses.$select(first.id).fetch();
    expect(counted).toMatchObject({ favouritesCount: 1, repliesCount: 1, favourited: true });
  });

  it('pages the home timeline through its Link headers: every item once, newest first', async () => {
    await h.drain();
    const pages: mastodon.v1.Status[][] = [];
    for await (const page of alice.v1.timelines.home.list({ limit: 4 })) {
      expect(page.length).toBeLessThanOrEqual(4);
      pages.push(page);
      expect(pages.length).toBeLessThan(20);
    }
    const seen = pages.flat().map((s) => s.id);
    expect(pages.length).toBeGreaterThanOrEqual(3);
    expect(new Set(seen).size).toBe(seen.length);
    const newestFirst = [...seen].sort((a, b) =>
      BigInt(b) > BigInt(a) ? 1 : BigInt(b) < BigInt(a) ? -1 : 0,
    );
    expect(seen).toEqual(newestFirst);
    // The same as one page holding everything.
    const whole = await alice.v1.timelines.home.list({ limit: 40 });
    expect(whole.map((s) => s.id)).toEqual(seen);
    for (const status of bobs) expect(seen).toContain(status.id);
    expect(seen).toContain(reply.id);
    for (const status of pages.flat()) expectStatus(status);

    // Catching up from where a client was (min_id), as Tusky and Ivory do.
    const newest = await bob.v1.statuses.create({ status: 'bob, later' });
    await h.drain();
    const caughtUp = await alice.v1.timelines.home.list({ minId: seen[0] as string });
    expect(caughtUp.map((s) => s.id)).toEqual([newest.id]);
  });

  it('reads a thread, search, an account’s statuses, who favourited, the public and tag timelines, preferences', async () => {
    const first = bobs[0] as mastodon.v1.Status;
    const context = await bob.v1.statuses.$select(first.id).context.fetch();
    expect(context.ancestors).toEqual([]);
    expect(context.descendants.map((s) => s.id)).toEqual([reply.id]);
    const up = await bob.v1.statuses.$select(reply.id).context.fetch();
    expect(up.ancestors.map((s) => s.id)).toEqual([first.id]);

    const results = await alice.v2.search.list({ q: '#clienttest', type: 'statuses', limit: 40 });
    expect(results.statuses.map((s) => s.id)).toEqual([...bobs].reverse().map((s) => s.id));
    const people = await alice.v2.search.list({ q: 'bo', type: 'accounts' });
    expect(people.accounts.map((a) => a.username)).toEqual(['bob']);
    expectAccount(people.accounts[0] as mastodon.v1.Account, 'bob');
    const tags = await alice.v2.search.list({ q: 'clientt', type: 'hashtags' });
    expect(tags.hashtags.map((t) => t.name)).toEqual(['clienttest']);

    const own = await alice.v1.accounts.$select(aliceId).statuses.list({ limit: 40 });
    expect(own.map(text)).toEqual(['', '@bob I agree', 'alice, first']);
    expect(own[0]?.reblog?.id).toBe(bobs[1]?.id);
    const noBoosts = await alice.v1.accounts.$select(aliceId).statuses.list({ excludeReblogs: true });
    expect(noBoosts.map((s) => s.id)).not.toContain(boost.id);
    const noReplies = await alice.v1.accounts.$select(aliceId).statuses.list({ excludeReplies: true });
    expect(noReplies.map((s) => s.id)).not.toContain(reply.id);

    const favouriters = await bob.v1.statuses.$select(first.id).favouritedBy.list();
    expect(favouriters.map((a) => a.id)).toEqual([aliceId]);
    const reblogger = await bob.v1.statuses.$select(bobs[1]?.id as string).rebloggedBy.list();
    expect(reblogger.map((a) => a.id)).toEqual([aliceId]);

    const everyone = await rest().v1.timelines.public.list({ limit: 40 });
    for (const status of bobs) expect(everyone.map((s) => s.id)).toContain(status.id);
    const tagged = await rest().v1.timelines.tag.$select('clienttest').list({ limit: 3 });
    expect(tagged.map((s) => s.id)).toEqual(
      [...bobs]
        .reverse()
        .slice(0, 3)
        .map((s) => s.id),
    );

    const preferences = await alice.v1.preferences.fetch();
    expect(preferences['posting:default:visibility']).toBe('public');
    expect(typeof preferences['reading:expand:spoilers']).toBe('boolean');
  });

  it('lists notifications page by page, filters them, keeps markers and the unread count, dismisses and clears', async () => {
    await h.drain();
    const all = await bob.v1.notifications.list({ limit: 40 });
    expect(all.map((n) => n.type)).toEqual(
      expect.arrayContaining(['follow', 'mention', 'favourite', 'reblog']),
    );
    for (const n of all) {
      expectAccount(n.account, 'alice');
      expect(typeof n.groupKey).toBe('string');
      if (n.type === 'follow') expect(n.status ?? null).toBeNull();
      else expectStatus(n.status as mastodon.v1.Status);
    }
    const mention = all.find((n) => n.type === 'mention');
    expect(mention?.status?.id).toBe(reply.id);
    expect(all.find((n) => n.type === 'reblog')?.status?.id).toBe(bobs[1]?.id);
    // Alice did all of it: she has no notification of her own.
    expect(await alice.v1.notifications.list()).toEqual([]);

    const pages: string[][] = [];
    for await (const page of bob.v1.notifications.list({ limit: 2 })) {
      pages.push(page.map((n) => n.id));
      expect(pages.length).toBeLessThan(20);
    }
    expect(pages.flat()).toEqual(all.map((n) => n.id));
    expect(pages.length).toBe(Math.ceil(all.length / 2));
    const follows = await bob.v1.notifications.list({ types: ['follow'] });
    expect(follows.map((n) => n.type)).toEqual(['follow']);
    const rest = await bob.v1.notifications.list({ excludeTypes: ['follow', 'mention'] });
    expect(new Set(rest.map((n) => n.type))).toEqual(new Set(['favourite', 'reblog']));
    expect((await bob.v1.notifications.$select(mention?.id as string).fetch()).id).toBe(mention?.id);

    expect(await bob.v1.markers.fetch({ timeline: ['home', 'notifications'] })).toEqual({});
    expect((await bob.v1.notifications.unreadCount.fetch()).count).toBe(all.length);
    const oldest = all.at(-1)?.id as string;
    const saved = await bob.v1.markers.create({ notifications: { lastReadId: oldest } });
    expect(saved.notifications).toMatchObject({ lastReadId: oldest, version: 0 });
    const read = await bob.v1.markers.fetch({ timeline: ['notifications'] });
    expect(read.notifications?.lastReadId).toBe(oldest);
    expect((await bob.v1.notifications.unreadCount.fetch()).count).toBe(all.length - 1);

    await bob.v1.notifications.$select(mention?.id as string).dismiss();
    expect((await bob.v1.notifications.list()).map((n) => n.id)).not.toContain(mention?.id);
    await bob.v1.notifications.clear();
    expect(await bob.v1.notifications.list()).toEqual([]);
    expect((await bob.v1.notifications.unreadCount.fetch()).count).toBe(0);
  });
});

describe('masto.js: profiles, images and edits', () => {
  it('changes the profile with an avatar (multipart), as a client app does', async () => {
    const avatar = new Blob([await image(900, 500, 'jpeg')], { type: 'image/jpeg' });
    const me = await alice.v1.accounts.updateCredentials({
      displayName: 'Alice Liddell',
      note: 'Curiouser and curiouser, said @bob',
      avatar,
      locked: false,
      fieldsAttributes: [{ name: 'Home', value: 'Wonderland' }],
      source: { privacy: 'public', language: 'en' },
    });
    expect(me).toMatchObject({
      displayName: 'Alice Liddell',
      fields: [{ name: 'Home', value: 'Wonderland' }],
      source: { note: 'Curiouser and curiouser, said @bob', language: 'en' },
    });
    expect(me.note).toContain('class="u-url mention"');
    const served = await fetch(me.avatar);
    expect(served.headers.get('content-type')).toBe('image/jpeg');
    expect((await sharp(Buffer.from(await served.arrayBuffer())).metadata()).width).toBe(400);
    const seen = await bob.v1.accounts.$select(aliceId).fetch();
    expect(seen).toMatchObject({ displayName: 'Alice Liddell', avatar: me.avatar });
  });

  it('uploads images, posts them with media_ids, edits the post and reads its history', async () => {
    const upload = async (description: string) =>
      alice.v2.media.create({
        file: new Blob([await image(320, 240)], { type: 'image/png' }),
        description,
      });
    await bob.v1.accounts.$select(aliceId).follow();
    await h.drain();
    const [first, second] = [await upload('a red and blue flag'), await upload('the same flag again')];
    expect(first).toMatchObject({ type: 'image', description: 'a red and blue flag' });
    expect(first.meta?.original).toMatchObject({ width: 320, height: 240 });
    const posted = await alice.v1.statuses.create({ status: 'two flags', mediaIds: [first.id, second.id] });
    expectStatus(posted);
    expect(posted.mediaAttachments.map((m) => m.id)).toEqual([first.id, second.id]);
    await h.drain();
    const [inBobs] = await bob.v1.timelines.home.list({ limit: 1 });
    expect(inBobs?.mediaAttachments.map((m) => m.description)).toEqual([
      'a red and blue flag',
      'the same flag again',
    ]);

    const edited = await alice.v1.statuses.$select(posted.id).update({ status: 'two flags, edited' });
    expect(edited.editedAt).toEqual(expect.any(String));
    expect(text(edited)).toBe('two flags, edited');
    expect(edited.mediaAttachments).toHaveLength(2);
    const history = await alice.v1.statuses.$select(posted.id).history.list();
    expect(history.map((v) => v.content.replace(/<[^>]+>/g, ''))).toEqual(['two flags', 'two flags, edited']);
    const source = await alice.v1.statuses.$select(posted.id).source.fetch();
    expect(source).toMatchObject({ id: posted.id, text: 'two flags, edited', spoilerText: '' });
    await expect(bob.v1.statuses.$select(posted.id).update({ status: 'not mine' })).rejects.toMatchObject({
      statusCode: 404,
    });
  });
});

describe('megalodon', () => {
  it('detects Mastodon, and reads the instance, credentials, posts and the home timeline', async () => {
    expect(await detector(base)).toBe('mastodon');
    const client = generator('mastodon', base, bobToken);
    const instance = await client.getInstance();
    expect(instance.status).toBe(200);
    expect(instance.data.version).toMatch(/^4\.\d+\.\d+ \(compatible; Starling/);
    expect(instance.data.uri).toBe(new URL(base).host);
    const me = await client.verifyAccountCredentials();
    expect(me.data).toMatchObject({ id: bobId, username: 'bob', acct: 'bob' });
    const posted = await client.postStatus('posted by megalodon #clienttest');
    expect(posted.status).toBe(200);
    const status = posted.data as { id: string; content: string; account: { id: string } };
    expect(status.content).toContain('posted by megalodon');
    expect(status.account.id).toBe(bobId);
    await h.drain();
    const home = await client.getHomeTimeline({ limit: 5 });
    expect(home.status).toBe(200);
    expect(home.data[0]?.id).toBe(status.id);
    expect(home.data.length).toBe(5);
    expect(String(home.headers.link)).toMatch(/rel="next"/);
  });
});

import { type AccountJson, call, type StatusJson } from '../api.js';
import { h, link, tweetPath } from '../dom.js';

/** Accounts looked up by id for "Replying to", once per page load (a thread names the same few people often). */
const accounts = new Map<string, Promise<AccountJson | null>>();

function accountById(id: string): Promise<AccountJson | null> {
  let found = accounts.get(id);
  if (!found) {
    found = call<AccountJson>('GET', `/api/v1/accounts/${encodeURIComponent(id)}`).catch(() => {
      accounts.delete(id);
      return null;
    });
    accounts.set(id, found);
  }
  return found;
}

/**
 * "Replying to @bob" above a reply, the handle linking to the post it answers. The reply's mentions usually name them; a
 * reply that does not mention its parent's author looks the account up by `in_reply_to_account_id`. Until then (or
 * if that fails) it says "a post".
 */
export function replyingTo(status: StatusJson): HTMLElement | null {
  if (!status.in_reply_to_id) return null;
  const parent = tweetPath(status.in_reply_to_id);
  const line = h('p', { class: 'context replying-to' }, 'Replying to ');
  const authorId = status.in_reply_to_account_id;
  const named = (acct: string) =>
    link(parent, { class: 'replied-to', attrs: { title: `The post by @${acct} this answers` } }, `@${acct}`);
  if (authorId === status.account.id) {
    // A thread its author continues.
    line.append(named(status.account.acct));
    return line;
  }
  const mentioned = status.mentions.find((m) => m.id === authorId);
  if (mentioned) {
    line.append(named(mentioned.acct));
    return line;
  }
  const fallback = link(parent, {}, 'a post');
  line.append(fallback);
  if (authorId) {
    void accountById(authorId).then((account) => {
      if (account) fallback.replaceWith(named(account.acct));
    });
  }
  return line;
}

import type { StatusJson } from '../api.js';
import { h } from '../dom.js';
import { tweetCard } from './tweet-card.js';

/** Replies nested deeper than this are drawn at this depth (each still names whom it answers). */
export const MAX_INDENT = 4;

const older = (a: StatusJson, b: StatusJson) => (BigInt(a.id) < BigInt(b.id) ? -1 : 1);

/**
 * The replies below a post as a tree: each reply under the one it answers, oldest first among siblings, as a
 * conversation reads. A reply whose parent is not in the list (deleted, or hidden from the reader) hangs from the
 * post itself.
 */
export function replyTree(rootId: string, descendants: readonly StatusJson[]) {
  const ids = new Set(descendants.map((s) => s.id));
  const children = new Map<string, StatusJson[]>();
  for (const status of descendants) {
    const parent = status.in_reply_to_id && ids.has(status.in_reply_to_id) ? status.in_reply_to_id : rootId;
    const siblings = children.get(parent) ?? [];
    siblings.push(status);
    children.set(parent, siblings);
  }
  for (const siblings of children.values()) siblings.sort(older);

  const seen = new Set<string>();
  const item = (reply: StatusJson): HTMLLIElement => {
    const node = h(
      'li',
      { class: 'reply', dataset: { key: reply.id } },
      tweetCard(reply, { onRemoved: () => node.remove() }),
    );
    return node;
  };
  const branch = (parentId: string, depth: number): HTMLOListElement => {
    const list = h('ol', {
      class: depth === 0 ? 'items replies' : 'items replies nested',
      attrs: depth === 0 ? { 'aria-label': 'Replies' } : {},
      dataset: { depth: String(Math.min(depth, MAX_INDENT)) },
    });
    for (const reply of children.get(parentId) ?? []) {
      // A cycle cannot come from the server; this only keeps a bad answer from looping.
      if (seen.has(reply.id)) continue;
      seen.add(reply.id);
      const node = item(reply);
      if (children.has(reply.id)) node.append(branch(reply.id, depth + 1));
      list.append(node);
    }
    return list;
  };

  const top = branch(rootId, 0);
  return {
    element: top,
    size: seen.size,
    /** A reply the reader just posted to the post itself goes first. */
    addOwn(reply: StatusJson) {
      top.prepend(item(reply));
    },
  };
}

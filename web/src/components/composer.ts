import twitterText from 'twitter-text';
import { call, type StatusJson } from '../api.js';
import { h } from '../dom.js';
import { DEFAULT_MAX_CHARACTERS, maxCharacters } from '../instance.js';
import { attachments } from './attachments.js';
import { alertLine, describeError } from './notice.js';

/** twitter-text's current weights (its `configs.defaults`, which its type declarations leave out). */
const WEIGHTS = (twitterText as unknown as { configs: { defaults: twitterText.ParseTweetOptions } }).configs
  .defaults;

/**
 * The server's rule, to the letter: NFC first, then twitter-text's weighted length (URLs 23, CJK and emoji 2), against
 * the server's limit. `fits` is how much of the normalized text is within it.
 */
export function measure(
  text: string,
  limit = DEFAULT_MAX_CHARACTERS,
): { weightedLength: number; valid: boolean; normalized: string; fits: number } {
  const normalized = text.normalize('NFC');
  const parsed = twitterText.parseTweet(normalized, { ...WEIGHTS, maxWeightedTweetLength: limit });
  const over = parsed.weightedLength > limit;
  return {
    weightedLength: parsed.weightedLength,
    valid: parsed.valid && normalized.trim().length > 0,
    normalized,
    fits: over ? parsed.validRangeEnd + 1 : normalized.length,
  };
}

export interface ComposerOptions {
  /** Posting a reply to this post. */
  replyTo?: StatusJson;
  onPosted(status: StatusJson): void;
  placeholder?: string;
  autofocus?: boolean;
}

/** 32 hex digits; getRandomValues works on plain http too, where randomUUID does not exist. */
function randomKey(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join(
    '',
  );
}

/** A text box with a live count of what is left of the 280, and a Post button that is on only when it may post. */
export function composer(options: ComposerOptions): HTMLFormElement {
  const input = h('textarea', {
    class: 'compose-text',
    attrs: {
      name: 'text',
      rows: '3',
      'aria-label': options.replyTo ? 'Your reply' : 'What is happening?',
      placeholder: options.placeholder ?? (options.replyTo ? 'Post your reply' : 'What is happening?'),
    },
  });
  let limit = DEFAULT_MAX_CHARACTERS;
  // The text past the limit, marked: a copy of the text behind the box, where only the overflow is coloured.
  const backdrop = h('div', { class: 'compose-backdrop', attrs: { 'aria-hidden': 'true' } });
  const field = h('div', { class: 'compose-field' }, backdrop, input);
  input.addEventListener('scroll', () => {
    backdrop.scrollTop = input.scrollTop;
  });
  const counter = h('span', { class: 'counter', attrs: { 'aria-live': 'polite' } });
  const meter = h('progress', {
    class: 'meter',
    attrs: { max: String(limit), 'aria-hidden': 'true' },
  });
  const submit = h(
    'button',
    { class: 'primary', attrs: { type: 'submit' } },
    options.replyTo ? 'Reply' : 'Post',
  );
  const error = alertLine();
  // One key per text written: a retry after a lost answer returns the same tweet instead of posting twice.
  let idempotencyKey = randomKey();
  let posting = false;
  const images = attachments(() => {
    idempotencyKey = randomKey();
    update();
  });

  const update = () => {
    const measured = measure(input.value, limit);
    const { weightedLength } = measured;
    const over = measured.normalized.slice(measured.fits);
    backdrop.replaceChildren(
      measured.normalized.slice(0, measured.fits),
      over ? h('mark', { class: 'over-limit' }, over) : '',
      // A last newline needs something after it to take up its line, as it does in the box.
      '\n',
    );
    // Images alone make a post; text, if any, must still fit.
    const valid = images.busy ? false : measured.valid || (images.count > 0 && input.value.trim() === '');
    const left = limit - weightedLength;
    counter.textContent = String(left);
    counter.dataset.weightedLength = String(weightedLength);
    counter.title = `${weightedLength} of ${limit}`;
    counter.setAttribute(
      'aria-label',
      left < 0 ? `${-left} over the limit of ${limit}` : `${left} of ${limit} characters left`,
    );
    counter.classList.toggle('warn', left <= 20 && left >= 0);
    counter.classList.toggle('over', left < 0);
    meter.max = limit;
    meter.value = Math.min(weightedLength, limit);
    submit.disabled = posting || !valid;
  };

  const form = h(
    'form',
    {
      class: 'composer',
      on: {
        submit: async (event) => {
          event.preventDefault();
          if (submit.disabled) return;
          posting = true;
          update();
          error.show(null);
          try {
            const mediaIds = await images.finish();
            const status = await call<StatusJson>('POST', '/api/v1/statuses', {
              body: {
                status: input.value,
                ...(mediaIds.length > 0 ? { media_ids: mediaIds } : {}),
                ...(options.replyTo ? { in_reply_to_id: options.replyTo.id } : {}),
              },
              headers: { 'idempotency-key': idempotencyKey },
            });
            input.value = '';
            images.clear();
            idempotencyKey = randomKey();
            options.onPosted(status);
          } catch (failure) {
            error.show(describeError(options.replyTo ? 'post the reply' : 'post', failure));
          } finally {
            posting = false;
            update();
          }
        },
      },
    },
    field,
    images.element,
    h('div', { class: 'compose-bar' }, images.controls, meter, counter, submit),
    error,
  );
  images.accept(form);
  input.addEventListener('input', () => {
    idempotencyKey = randomKey();
    update();
  });
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) form.requestSubmit();
  });
  update();
  void maxCharacters().then((max) => {
    limit = max;
    update();
  });
  if (options.autofocus) queueMicrotask(() => input.focus());
  return form;
}

/**
 * The fanout-mode rule (src/domain/model.ts, FanoutMode) as SQL, in one place: every statement that routes, counts or
 * rebuilds by an author's mode takes its fragment from here.
 */

/**
 * The log stream an author's event travels on, decided in the statement that writes it: a pulled author's events go
 * apart (`celebrity`), so a storm from one large account never queues ahead of ordinary fanout. `author` is an SQL
 * expression for the author's id.
 */
export const streamOfAuthor = (author: string) =>
  `(SELECT CASE WHEN fanout_mode = 'pull' THEN 'celebrity' ELSE 'fanout' END FROM accounts WHERE id = ${author})`;

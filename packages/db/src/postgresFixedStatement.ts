import { createHash } from 'node:crypto';
import type { Kysely, RawBuilder } from 'kysely';
import type { StoredTables } from './storedTables.ts';

/** Stands, in a statement's template, for the argument named `key`. */
class Slot {
  readonly key: string;

  constructor(key: string) {
    this.key = key;
  }
}

/** The template's view of a statement's arguments: each one a placeholder for its value. */
export type Slots<A> = { readonly [K in keyof A]: unknown };

/**
 * A statement whose text never changes, written as a Kysely template but compiled ONCE: a call
 * only picks its values from the arguments, with no query building, no compilation and no hash of
 * the ~3 KB text (which cost as much server CPU per write as the rest of the writer). The text's
 * name is fixed too, so a prepared statement is found by it on every connection.
 */
export class FixedStatement<A extends object, R> {
  readonly text: string;
  /** A name per text: the same text shares its prepared statement, another text never collides. */
  readonly name: string;
  /** Per `$n`: the argument it takes, or the constant the template held. */
  readonly #parameters: readonly (Slot | unknown)[];

  /**
   * `build(slots)`: the statement, with `slots.<key>` where a call's argument goes. Anything else
   * interpolated (a table, a fixed channel name) is compiled into the statement as it is.
   */
  constructor(db: Kysely<StoredTables>, build: (slots: Slots<A>) => RawBuilder<R>) {
    const slots = new Proxy({} as Slots<A>, {
      get: (_target, key) => new Slot(String(key)),
    });
    const compiled = build(slots).compile(db);
    this.text = compiled.sql;
    this.name = `agentmint_${createHash('sha1').update(this.text).digest('base64url')}`;
    this.#parameters = compiled.parameters;
  }

  /** The `$1…$n` values for one call. */
  values(args: A): unknown[] {
    const record = args as Record<string, unknown>;
    return this.#parameters.map((parameter) =>
      parameter instanceof Slot ? record[parameter.key] : parameter,
    );
  }
}

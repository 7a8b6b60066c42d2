/** A Set whose mutators throw: `Object.freeze` alone does not stop `Set.prototype.add`. */
export class FrozenSet<T> extends Set<T> {
  constructor(values?: Iterable<T>) {
    // `super(values)` would call the overridden `add` below; fill through Set's own `add` instead.
    super();
    if (values) for (const value of values) super.add(value);
    Object.freeze(this);
  }

  override add(_value: T): this {
    throw new TypeError('Cannot add to a frozen set');
  }

  override delete(_value: T): boolean {
    throw new TypeError('Cannot delete from a frozen set');
  }

  override clear(): void {
    throw new TypeError('Cannot clear a frozen set');
  }
}

/** A Set whose mutators throw: `Object.freeze` alone does not stop `Set.prototype.add`. */
export class FrozenSet<T> extends Set<T> {
  #sealed = false;

  constructor(values?: Iterable<T>) {
    super(values);
    this.#sealed = true;
    Object.freeze(this);
  }

  override add(value: T): this {
    if (this.#sealed) throw new TypeError('Cannot add to a frozen set');
    return super.add(value);
  }

  override delete(_value: T): boolean {
    throw new TypeError('Cannot delete from a frozen set');
  }

  override clear(): void {
    throw new TypeError('Cannot clear a frozen set');
  }
}

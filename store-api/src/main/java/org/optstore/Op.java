package org.optstore;

/** A comparison operator of a {@link Predicate}. */
public enum Op {
  /** equal */
  EQ("=="),
  /** not equal */
  NE("!="),
  /** less than */
  LT("<"),
  /** less than or equal */
  LE("<="),
  /** greater than */
  GT(">"),
  /** greater than or equal */
  GE(">=");

  private final String symbol;

  Op(String symbol) {
    this.symbol = symbol;
  }

  /** @return the operator as written in {@code --where} expressions, e.g. {@code >=} */
  public String symbol() {
    return symbol;
  }

  /**
   * @param cmp the sign of a comparison {@code value <=> literal} (negative, zero or positive)
   * @return whether this operator accepts it
   */
  public boolean accepts(int cmp) {
    switch (this) {
      case EQ:
        return cmp == 0;
      case NE:
        return cmp != 0;
      case LT:
        return cmp < 0;
      case LE:
        return cmp <= 0;
      case GT:
        return cmp > 0;
      case GE:
        return cmp >= 0;
      default:
        throw new AssertionError(this);
    }
  }
}

package org.optstore;

import java.util.ArrayList;
import java.util.List;

/** A recursive-descent parser for {@link Predicates#parse(String)}. */
final class PredicateParser {
  private final String text;
  private int pos;

  PredicateParser(String text) {
    this.text = text;
  }

  Predicate parse() {
    Predicate p = or();
    skipSpace();
    if (pos < text.length()) {
      throw error("unexpected '" + text.substring(pos, Math.min(text.length(), pos + 10)) + "'");
    }
    return p;
  }

  private Predicate or() {
    List<Predicate> ops = new ArrayList<>();
    ops.add(and());
    while (keyword("or")) {
      ops.add(and());
    }
    return ops.size() == 1 ? ops.get(0) : new Predicate.Or(ops);
  }

  private Predicate and() {
    List<Predicate> ops = new ArrayList<>();
    ops.add(unary());
    while (keyword("and")) {
      ops.add(unary());
    }
    return ops.size() == 1 ? ops.get(0) : new Predicate.And(ops);
  }

  private Predicate unary() {
    if (keyword("not")) {
      return new Predicate.Not(unary());
    }
    skipSpace();
    if (peek() == '(') {
      pos++;
      Predicate p = or();
      skipSpace();
      if (peek() != ')') {
        throw error("expected ')'");
      }
      pos++;
      return p;
    }
    return comparison();
  }

  private Predicate comparison() {
    String column = identifier();
    if (keyword("is")) {
      boolean not = keyword("not");
      if (!keyword("null")) {
        throw error("expected 'null' after 'is'");
      }
      Predicate p = new Predicate.IsNull(column);
      return not ? new Predicate.Not(p) : p;
    }
    Op op = operator();
    Object value = literal();
    return new Predicate.Comparison(column, op, value);
  }

  private String identifier() {
    skipSpace();
    if (peek() == '`') {
      int end = text.indexOf('`', pos + 1);
      if (end < 0) {
        throw error("unterminated `column name`");
      }
      String name = text.substring(pos + 1, end);
      pos = end + 1;
      return name;
    }
    int start = pos;
    if (pos < text.length() && (Character.isLetter(peek()) || peek() == '_')) {
      pos++;
      while (pos < text.length()
          && (Character.isLetterOrDigit(peek()) || peek() == '_' || peek() == '.')) {
        pos++;
      }
    }
    if (start == pos) {
      throw error("expected a column name");
    }
    return text.substring(start, pos);
  }

  private Op operator() {
    skipSpace();
    String[] symbols = {"==", "!=", "<>", "<=", ">=", "=", "<", ">"};
    Op[] ops = {Op.EQ, Op.NE, Op.NE, Op.LE, Op.GE, Op.EQ, Op.LT, Op.GT};
    for (int i = 0; i < symbols.length; i++) {
      if (text.startsWith(symbols[i], pos)) {
        pos += symbols[i].length();
        return ops[i];
      }
    }
    throw error("expected a comparison operator (==, !=, <, <=, >, >=) or 'is'");
  }

  private Object literal() {
    skipSpace();
    char c = peek();
    if (c == '\'' || c == '"') {
      StringBuilder sb = new StringBuilder();
      pos++;
      while (pos < text.length() && text.charAt(pos) != c) {
        if (text.charAt(pos) == '\\' && pos + 1 < text.length()) {
          pos++;
        }
        sb.append(text.charAt(pos++));
      }
      if (pos >= text.length()) {
        throw error("unterminated string literal");
      }
      pos++;
      return sb.toString();
    }
    int start = pos;
    while (pos < text.length() && !Character.isWhitespace(peek()) && peek() != ')'
        && peek() != '(') {
      pos++;
    }
    String word = text.substring(start, pos);
    if (word.isEmpty()) {
      throw error("expected a literal");
    }
    if (word.equalsIgnoreCase("true") || word.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(word);
    }
    if (word.equals("NaN")) {
      return Double.NaN;
    }
    try {
      return Long.parseLong(word);
    } catch (NumberFormatException e) {
      // not an integer: try a decimal
    }
    try {
      if (word.matches("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?|[-+]?Infinity")) {
        return Double.parseDouble(word);
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    pos = start;
    throw error("'" + word + "' is not a number, boolean or quoted string");
  }

  private boolean keyword(String kw) {
    skipSpace();
    int end = pos + kw.length();
    if (text.regionMatches(true, pos, kw, 0, kw.length())
        && (end == text.length() || !Character.isLetterOrDigit(text.charAt(end))
            && text.charAt(end) != '_')) {
      pos = end;
      return true;
    }
    return false;
  }

  private void skipSpace() {
    while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
      pos++;
    }
  }

  private char peek() {
    return pos < text.length() ? text.charAt(pos) : '\0';
  }

  private InvalidArgumentException error(String what) {
    return new InvalidArgumentException("cannot parse predicate \"" + text + "\" at position " + pos
        + ": " + what);
  }
}

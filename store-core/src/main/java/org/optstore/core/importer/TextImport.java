package org.optstore.core.importer;

import com.fasterxml.jackson.core.io.NumberInput;
import java.io.CharConversionException;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.optstore.Column;
import org.optstore.ColumnBuilder;
import org.optstore.ColumnType;
import org.optstore.DataStoreException;
import org.optstore.Field;
import org.optstore.Frame;
import org.optstore.FrameStream;
import org.optstore.InvalidArgumentException;
import org.optstore.Schema;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.importer.ImportPlan.ColumnState;
import org.optstore.core.records.TimeValues;

/**
 * Reads a CSV or JSON lines file row by row, in one of two modes.
 *
 * <p><b>Inferring</b> ({@link #infer}): only watches the values, widening each column's {@link
 * ValueKind}, and gives the {@link ImportPlan} the rows seen so far call for.
 *
 * <p><b>Converting</b> (as a {@link FrameStream}): builds batches of at most {@code batchRows} rows
 * in the types of a plan decided beforehand (from a sample of the first rows), while it goes on
 * inferring. When a value does not fit the plan (an integer column meets a decimal, a column that
 * was empty in the sample meets a value, ...), the plan was wrong for this file: the stream stops
 * building, infers over the rest of the file, and throws {@link ImportRetry} carrying the plan of
 * the whole file, so that the import starts again with it. A file imported without a retry thus
 * gets exactly the types that inferring over all its rows gives, and one with a retry gets them
 * too, in at most two passes and without holding more than a batch in memory.
 *
 * <p>Subclasses parse; this class owns the kinds, the time values and the builders. Not
 * thread-safe.
 */
abstract class TextImport implements FrameStream {
  final Path file;
  final WriteOptions options;
  private final boolean lenient;
  private final TimeValues times;
  private final TimeValues isoTimes;
  private final boolean timePattern;
  private final int zoneOffset;
  final List<ColumnState> columns = new ArrayList<>();
  private final Map<String, Integer> index = new HashMap<>();

  // converting
  private ImportPlan plan;
  private boolean finalPlan;
  private int batchRows;
  private ColumnBuilder[] builders;
  private boolean converting;
  private Frame pending;
  private boolean done;

  /** The rows begun so far; the current row's index is {@code rows - 1}. */
  long rows;

  // the value just classified
  private long scratchLong;
  private double scratchDouble;
  private boolean scratchBool;
  private long scratchMicros;

  TextImport(Path file, WriteOptions options, boolean lenient) {
    this.file = file;
    this.options = options;
    this.lenient = lenient;
    this.times = new TimeValues(options);
    this.isoTimes = new TimeValues(WriteOptions.builder().zone(options.zone()).build());
    this.timePattern = options.timePattern().isPresent();
    this.zoneOffset = IsoTime.fixedOffsetSeconds(options.zone());
  }

  // ---------------------------------------------------------------- what subclasses implement

  /**
   * Reads one row, reporting each of its values through the {@code *Cell} methods between {@link
   * #beginRow} and {@link #endRow}.
   *
   * @return false at the end of the file
   */
  abstract boolean readRow() throws IOException;

  /** @return where the current value is, e.g. {@code "line 17, column 'price' (3)"} */
  abstract String where(int column);

  /** @return where the current row is, e.g. {@code "line 17"} */
  abstract String whereRow();

  /** Releases the parser and the file. */
  abstract void closeInput();

  // ---------------------------------------------------------------- modes

  /**
   * Infers over at most {@code maxRows} rows (all when negative) and closes the input.
   *
   * @return the plan of the rows read, and whether they were all the file's rows
   */
  final Inferred infer(long maxRows) {
    try {
      long n = 0;
      boolean more = true;
      while ((maxRows < 0 || n < maxRows) && (more = readRowMapped())) {
        n++;
      }
      if (more && maxRows >= 0) {
        more = !atEnd();
      }
      return new Inferred(planOfSeen(), !more);
    } finally {
      closeInput();
    }
  }

  /** A plan and whether it covers the whole file. */
  record Inferred(ImportPlan plan, boolean complete) {}

  /**
   * @return whether the input has no more rows (may read ahead; used once the sample is full)
   * @throws IOException on a read failure
   */
  abstract boolean atEndOfInput() throws IOException;

  private boolean atEnd() {
    try {
      return atEndOfInput();
    } catch (IOException e) {
      throw readFailure(e);
    }
  }

  /**
   * Starts converting with a plan decided beforehand.
   *
   * @param plan the types to write
   * @param finalPlan whether the plan is that of the whole file (then a misfit means the file
   *     changed while it was imported)
   * @param batchRows the most rows per batch
   * @return this, as the stream of batches
   */
  final TextImport convert(ImportPlan plan, boolean finalPlan, int batchRows) {
    for (Field f : plan.schema.fields()) {
      column(f.name()); // JSON: every planned column from the first row on, in the plan's order
    }
    this.plan = plan;
    this.finalPlan = finalPlan;
    this.batchRows = batchRows;
    this.converting = true;
    return this;
  }

  final ImportPlan planOfSeen() {
    try {
      return ImportPlan.of(columns, options, file, rows);
    } catch (InvalidArgumentException e) {
      throw new SchemaException("file " + file + ": " + e.getMessage(), e);
    }
  }

  // ---------------------------------------------------------------- FrameStream

  @Override
  public Schema schema() {
    return plan.schema;
  }

  @Override
  public boolean hasNext() {
    if (pending == null && !done) {
      pending = readBatch();
    }
    return pending != null;
  }

  @Override
  public Frame next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + file);
    }
    Frame f = pending;
    pending = null;
    return f;
  }

  @Override
  public void close() {
    done = true;
    closeInput();
  }

  private Frame readBatch() {
    Schema schema = plan.schema;
    builders = new ColumnBuilder[schema.size()];
    for (int c = 0; c < builders.length; c++) {
      builders[c] = ColumnBuilder.of(schema.field(c).type(), batchRows);
    }
    int n = 0;
    while (n < batchRows) {
      boolean more = readRowMapped();
      if (misfit != null) {
        retry();
      }
      if (!more) {
        done = true;
        closeInput();
        break;
      }
      n++;
    }
    if (n == 0) {
      return null;
    }
    List<Column> cols = new ArrayList<>(builders.length);
    for (ColumnBuilder b : builders) {
      cols.add(b.build());
    }
    builders = null;
    return Frame.of(schema, cols);
  }

  private boolean readRowMapped() {
    try {
      return readRow();
    } catch (CharacterCodingException | CharConversionException e) {
      throw new DataStoreException("file " + file + " is not valid UTF-8 near " + whereRow()
          + " (" + e + "); save it as UTF-8 and import it again", e);
    } catch (IOException e) {
      throw readFailure(e);
    }
  }

  final DataStoreException readFailure(IOException e) {
    return new DataStoreException("cannot read file " + file + " near " + whereRow() + ": " + e
        + "; check that it is readable and complete", e);
  }

  // ---------------------------------------------------------------- rows and values

  /**
   * @param name a column name
   * @return its index, adding the column when it is new (JSON)
   */
  final int column(String name) {
    Integer i = index.get(name);
    if (i != null) {
      return i;
    }
    return addColumn(name);
  }

  final int addColumn(String name) {
    try {
      Field.of(name, ColumnType.STRING); // checks the name
    } catch (InvalidArgumentException e) {
      throw new SchemaException("file " + file + " " + whereRow() + ": " + e.getMessage()
          + "; rename the column", e);
    }
    if (index.containsKey(name)) {
      throw new SchemaException("file " + file + " " + whereRow() + " names the column '" + name
          + "' twice (columns " + (index.get(name) + 1) + " and " + (columns.size() + 1)
          + "); column names must be unique: rename one");
    }
    boolean forced = ImportPlan.isForcedTime(name, options);
    ColumnState s = new ColumnState(name, forced);
    int c = columns.size();
    columns.add(s);
    index.put(name, c);
    long before = inRow ? rows - 1 : rows;
    if (before > 0) {
      if (forced) {
        throw new SchemaException("file " + file + ": time column '" + name + "' first appears at "
            + whereRow() + " but earlier rows lack it; every row needs a time value");
      }
      s.hasNull = true; // the rows before had no value
    }
    if (converting && (plan == null || c >= plan.kinds.length)) {
      misfit(c, "the new field '" + name + "'");
    }
    return c;
  }

  private boolean inRow;

  final void beginRow() {
    rows++;
    inRow = true;
  }

  final void endRow() {
    long row = rows - 1;
    for (int c = 0; c < columns.size(); c++) {
      if (columns.get(c).stamp != row) {
        nullCell(c);
      }
    }
    inRow = false;
  }

  /** A CSV value (not null): its kind is told from its text. */
  final void textCell(int c, String raw) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      long m = forcedMicros(c, s, raw);
      if (converting) {
        builders[c].appendLong(m);
      }
      return;
    }
    ValueKind k = s.kind == ValueKind.TEXT ? ValueKind.TEXT : classifyText(raw);
    observe(c, s, k);
    if (converting) {
      append(c, k, raw);
    }
  }

  /** A JSON string. */
  final void stringCell(int c, String v) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      long m = forcedMicros(c, s, v);
      if (converting) {
        builders[c].appendLong(m);
      }
      return;
    }
    ValueKind k = s.kind == ValueKind.TEXT || !isoTime(v, 0, v.length()) ? ValueKind.TEXT
        : ValueKind.TIME;
    observe(c, s, k);
    if (converting) {
      append(c, k, v);
    }
  }

  /** A JSON integer. */
  final void longCell(int c, long v) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      long m;
      try {
        m = times.epochMicros(v, s.name, rows - 1);
      } catch (SchemaException e) {
        throw bad(c, Long.toString(v), e);
      }
      if (converting) {
        builders[c].appendLong(m);
      }
      return;
    }
    scratchLong = v;
    observe(c, s, ValueKind.INT);
    if (converting) {
      append(c, ValueKind.INT, null);
    }
  }

  /** A JSON decimal. */
  final void doubleCell(int c, double v) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      long m;
      try {
        m = times.epochMicros(v, s.name, rows - 1);
      } catch (SchemaException e) {
        throw bad(c, Double.toString(v), e);
      }
      if (converting) {
        builders[c].appendLong(m);
      }
      return;
    }
    scratchDouble = v;
    observe(c, s, ValueKind.DECIMAL);
    if (converting) {
      append(c, ValueKind.DECIMAL, null);
    }
  }

  /** A JSON boolean. */
  final void boolCell(int c, boolean v) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      throw new SchemaException("file " + file + " " + where(c) + ": time column '" + s.name
          + "' holds the boolean " + v + "; use ISO-8601 strings or epoch numbers");
    }
    scratchBool = v;
    observe(c, s, ValueKind.BOOL);
    if (converting) {
      append(c, ValueKind.BOOL, null);
    }
  }

  /** An empty or missing value. */
  final void nullCell(int c) {
    ColumnState s = columns.get(c);
    s.stamp = rows - 1;
    if (s.forcedTime) {
      throw new SchemaException("file " + file + " " + where(c) + ": time column '" + s.name
          + "' is empty or missing; every row needs a time value (fill it, or import with "
          + "WriteOptions.noTimeColumn())");
    }
    if (!s.hasNull) {
      s.hasNull = true;
      if (converting && c == plan.ruleTime) {
        misfit(c, "an empty value in column '" + s.name + "', which was to be the time column");
      }
    }
    if (converting) {
      builders[c].appendNull();
    }
  }

  private long forcedMicros(int c, ColumnState s, String raw) {
    if (!timePattern) {
      int from = 0;
      int to = raw.length();
      while (from < to && raw.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && raw.charAt(to - 1) <= ' ') {
        to--;
      }
      long m = IsoTime.parse(raw, from, to, zoneOffset);
      if (m != IsoTime.NOT_HANDLED) {
        return m;
      }
    }
    try {
      return times.toMicros(raw, s.name, rows - 1);
    } catch (SchemaException e) {
      throw bad(c, raw, e);
    }
  }

  private SchemaException bad(int c, String value, SchemaException e) {
    return new SchemaException("file " + file + " " + where(c) + ": value '" + clip(value)
        + "' is not a time: " + e.getMessage(), e);
  }

  static String clip(String v) {
    return v.length() <= 80 ? v : v.substring(0, 77) + "...";
  }

  private void observe(int c, ColumnState s, ValueKind k) {
    ValueKind j = s.kind.join(k, lenient);
    if (j == null) {
      throw new SchemaException("file " + file + " " + where(c) + ": field '" + s.name
          + "' mixes " + s.kind.label() + " (from " + s.kindWhere + ") with " + k.label()
          + "; store one kind of value per field");
    }
    if (j != s.kind) {
      s.kind = j;
      s.kindWhere = whereRow();
      if (converting && !fits(c)) {
        misfit(c, "a value of column '" + s.name + "' at " + s.kindWhere + " that makes it "
            + j.type());
      }
    }
  }

  /** Whether what column {@code c} has shown still fits the plan being written. */
  private boolean fits(int c) {
    if (c >= plan.kinds.length) {
      return false;
    }
    ValueKind planned = plan.kinds[c];
    ValueKind j = columns.get(c).kind.join(planned, lenient);
    return j != null && j.type() == planned.type()
        && !(c == plan.ruleTime && columns.get(c).hasNull);
  }

  /**
   * The plan does not fit this file: the rest of the row is only inferred, and once it is read
   * {@link #retry} infers over the rest of the file and has the import start again.
   */
  private void misfit(int c, String what) {
    if (finalPlan) {
      throw new DataStoreException("file " + file + " changed while it was imported (" + what
          + " was not there on the first reading); import it again when nothing writes to it");
    }
    if (misfit == null) {
      misfit = what;
    }
    converting = false;
  }

  private String misfit;

  private void retry() {
    builders = null;
    done = true;
    try {
      while (readRowMapped()) {
        // inferring only
      }
    } finally {
      closeInput();
    }
    throw new ImportRetry(misfit, planOfSeen());
  }

  private void append(int c, ValueKind k, String raw) {
    ColumnBuilder b = builders[c];
    switch (b.type()) {
      case INT64 -> b.appendLong(scratchLong);
      case FLOAT64 -> b.appendDouble(k == ValueKind.INT ? (double) scratchLong : scratchDouble);
      case BOOL -> b.appendBoolean(scratchBool);
      case TIMESTAMP -> b.appendLong(scratchMicros);
      default -> b.appendString(raw);
    }
  }

  // ---------------------------------------------------------------- telling kinds from text

  /**
   * The kind of a CSV value, leaving its parsed form in the scratch fields. Numbers, booleans and
   * times may have spaces around them; text is kept as it is.
   */
  private ValueKind classifyText(String v) {
    int from = 0;
    int to = v.length();
    while (from < to && v.charAt(from) == ' ') {
      from++;
    }
    while (to > from && v.charAt(to - 1) == ' ') {
      to--;
    }
    if (from == to) {
      return ValueKind.TEXT; // a quoted empty string, or only spaces
    }
    char c0 = v.charAt(from);
    if ((c0 >= '0' && c0 <= '9') || c0 == '-' || c0 == '+' || c0 == '.') {
      int syntax = numberSyntax(v, from, to);
      if (syntax == 1) {
        return parseLong(v, from, to) ? ValueKind.INT : ValueKind.TEXT;
      }
      if (syntax == 2) {
        // Jackson's bundled FastDoubleParser: correctly rounded, as Double.parseDouble, and
        // several times faster on the long decimals CSV writers print
        scratchDouble = NumberInput.parseDouble(from == 0 && to == v.length() ? v
            : v.substring(from, to), true);
        return ValueKind.DECIMAL;
      }
      if (isoTime(v, from, to)) {
        return ValueKind.TIME;
      }
    }
    int len = to - from;
    if (len == 4 && v.regionMatches(true, from, "true", 0, 4)) {
      scratchBool = true;
      return ValueKind.BOOL;
    }
    if (len == 5 && v.regionMatches(true, from, "false", 0, 5)) {
      scratchBool = false;
      return ValueKind.BOOL;
    }
    return special(v, from, to);
  }

  /** NaN and the infinities, as pandas writes and reads them. */
  private ValueKind special(String v, int from, int to) {
    boolean neg = false;
    int i = from;
    if (v.charAt(i) == '-' || v.charAt(i) == '+') {
      neg = v.charAt(i) == '-';
      i++;
    }
    int len = to - i;
    if (len == 3 && v.regionMatches(true, i, "nan", 0, 3)) {
      scratchDouble = Double.NaN;
      return ValueKind.DECIMAL;
    }
    if ((len == 3 && v.regionMatches(true, i, "inf", 0, 3))
        || (len == 8 && v.regionMatches(true, i, "infinity", 0, 8))) {
      scratchDouble = neg ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
      return ValueKind.DECIMAL;
    }
    return ValueKind.TEXT;
  }

  /** @return 1 for an integer, 2 for a decimal ({@code 1.5}, {@code .5}, {@code 1e3}), 0 else */
  private static int numberSyntax(String v, int from, int to) {
    int i = from;
    if (v.charAt(i) == '-' || v.charAt(i) == '+') {
      i++;
    }
    int digits = 0;
    while (i < to && isDigit(v.charAt(i))) {
      i++;
      digits++;
    }
    boolean decimal = false;
    if (i < to && v.charAt(i) == '.') {
      decimal = true;
      i++;
      while (i < to && isDigit(v.charAt(i))) {
        i++;
        digits++;
      }
    }
    if (digits == 0) {
      return 0;
    }
    if (i < to && (v.charAt(i) == 'e' || v.charAt(i) == 'E')) {
      decimal = true;
      i++;
      if (i < to && (v.charAt(i) == '-' || v.charAt(i) == '+')) {
        i++;
      }
      int exp = 0;
      while (i < to && isDigit(v.charAt(i))) {
        i++;
        exp++;
      }
      if (exp == 0) {
        return 0;
      }
    }
    if (i != to) {
      return 0;
    }
    return decimal ? 2 : 1;
  }

  private static boolean isDigit(char ch) {
    return ch >= '0' && ch <= '9';
  }

  /** Parses an integer of valid syntax into {@code scratchLong}; false when it overflows. */
  private boolean parseLong(String v, int from, int to) {
    boolean neg = v.charAt(from) == '-';
    int i = v.charAt(from) == '-' || v.charAt(from) == '+' ? from + 1 : from;
    long acc = 0; // accumulated negatively, as Long.parseLong does, to reach Long.MIN_VALUE
    for (; i < to; i++) {
      int d = v.charAt(i) - '0';
      if (acc < Long.MIN_VALUE / 10) {
        return false;
      }
      acc *= 10;
      if (acc < Long.MIN_VALUE + d) {
        return false;
      }
      acc -= d;
    }
    if (!neg) {
      if (acc == Long.MIN_VALUE) {
        return false;
      }
      acc = -acc;
    }
    scratchLong = acc;
    return true;
  }

  /**
   * Whether {@code v[from, to)} is an ISO-8601 date or date-time as {@link TimeValues} reads them
   * (in the options' zone when it has no offset), leaving it in {@code scratchMicros}. A cheap
   * look at its shape first, so that other values never pay for a parse.
   */
  private boolean isoTime(String v, int from, int to) {
    if (to - from < 10 || !isDigit(v.charAt(from)) || !isDigit(v.charAt(from + 3))
        || v.charAt(from + 4) != '-' || v.charAt(from + 7) != '-'
        || !isDigit(v.charAt(from + 9))) {
      return false;
    }
    long m = IsoTime.parse(v, from, to, zoneOffset);
    if (m != IsoTime.NOT_HANDLED) {
      scratchMicros = m;
      return true;
    }
    try {
      scratchMicros = isoTimes.toMicros(from == 0 && to == v.length() ? v
          : v.substring(from, to), "", 0);
      return true;
    } catch (SchemaException e) {
      return false;
    }
  }
}

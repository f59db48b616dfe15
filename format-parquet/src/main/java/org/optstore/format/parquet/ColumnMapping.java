package org.optstore.format.parquet;

import java.util.ArrayList;
import java.util.List;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DateLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.DecimalLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.IntLogicalTypeAnnotation;
import org.apache.parquet.schema.LogicalTypeAnnotation.TimestampLogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.OriginalType;
import org.apache.parquet.schema.PrimitiveType;
import org.apache.parquet.schema.Type;
import org.optstore.ColumnType;

/** How one Parquet leaf column maps to one of our column kinds. */
final class ColumnMapping {
  /** Conversions applied after decoding. */
  enum Conversion {
    NONE, MILLIS_TO_MICROS, NANOS_TO_MICROS, DAYS_TO_MICROS, UINT32, DECIMAL, DECIMAL_BYTES
  }

  final String name;
  final ColumnType kind;
  final Conversion conversion;
  final int scale;
  /** Whether min/max statistics order matches our order after conversion (usable for pruning). */
  final boolean statsUsable;

  ColumnMapping(String name, ColumnType kind, Conversion conversion, int scale, boolean statsUsable) {
    this.name = name;
    this.kind = kind;
    this.conversion = conversion;
    this.scale = scale;
    this.statsUsable = statsUsable;
  }

  /** A column we cannot represent: the message names the column and its Parquet type. */
  static final class Unsupported extends Exception {
    private static final long serialVersionUID = 1L;

    Unsupported(String message) {
      super(message, null, false, false);
    }
  }

  static List<ColumnMapping> of(MessageType schema) throws Unsupported {
    List<ColumnMapping> out = new ArrayList<>();
    for (Type t : schema.getFields()) {
      if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
        throw new Unsupported("column '" + t.getName() + "' has nested or repeated Parquet type "
            + t.toString().trim() + "; only flat columns can be read");
      }
      out.add(of(t.asPrimitiveType()));
    }
    return out;
  }

  static ColumnMapping of(PrimitiveType p) throws Unsupported {
    String name = p.getName();
    LogicalTypeAnnotation l = p.getLogicalTypeAnnotation();
    switch (p.getPrimitiveTypeName()) {
      case BOOLEAN:
        return new ColumnMapping(name, ColumnType.BOOL, Conversion.NONE, 0, true);
      case FLOAT:
        return new ColumnMapping(name, ColumnType.FLOAT32, Conversion.NONE, 0, true);
      case DOUBLE:
        return new ColumnMapping(name, ColumnType.FLOAT64, Conversion.NONE, 0, true);
      case INT96:
        return new ColumnMapping(name, ColumnType.TIMESTAMP, Conversion.NONE, 0, false);
      case INT32:
        if (l == null) {
          return new ColumnMapping(name, ColumnType.INT32, Conversion.NONE, 0, true);
        }
        if (l instanceof IntLogicalTypeAnnotation) {
          IntLogicalTypeAnnotation i = (IntLogicalTypeAnnotation) l;
          if (i.isSigned() || i.getBitWidth() < 32) {
            return new ColumnMapping(name, ColumnType.INT32, Conversion.NONE, 0, i.isSigned());
          }
          return new ColumnMapping(name, ColumnType.INT64, Conversion.UINT32, 0, false);
        }
        if (l instanceof DateLogicalTypeAnnotation) {
          return new ColumnMapping(name, ColumnType.TIMESTAMP, Conversion.DAYS_TO_MICROS, 0, true);
        }
        if (l instanceof DecimalLogicalTypeAnnotation) {
          return new ColumnMapping(name, ColumnType.FLOAT64, Conversion.DECIMAL,
              ((DecimalLogicalTypeAnnotation) l).getScale(), true);
        }
        break;
      case INT64:
        if (l == null) {
          return new ColumnMapping(name, ColumnType.INT64, Conversion.NONE, 0, true);
        }
        if (l instanceof IntLogicalTypeAnnotation && ((IntLogicalTypeAnnotation) l).isSigned()) {
          return new ColumnMapping(name, ColumnType.INT64, Conversion.NONE, 0, true);
        }
        if (l instanceof TimestampLogicalTypeAnnotation) {
          switch (((TimestampLogicalTypeAnnotation) l).getUnit()) {
            case MILLIS:
              return new ColumnMapping(name, ColumnType.TIMESTAMP, Conversion.MILLIS_TO_MICROS, 0, true);
            case MICROS:
              return new ColumnMapping(name, ColumnType.TIMESTAMP, Conversion.NONE, 0, true);
            case NANOS:
              return new ColumnMapping(name, ColumnType.TIMESTAMP, Conversion.NANOS_TO_MICROS, 0, true);
            default:
              break;
          }
        }
        if (l instanceof DecimalLogicalTypeAnnotation) {
          return new ColumnMapping(name, ColumnType.FLOAT64, Conversion.DECIMAL,
              ((DecimalLogicalTypeAnnotation) l).getScale(), true);
        }
        break;
      case BINARY:
        if (l instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation
            || l instanceof LogicalTypeAnnotation.JsonLogicalTypeAnnotation
            || p.getOriginalType() == OriginalType.UTF8) {
          return new ColumnMapping(name, ColumnType.STRING, Conversion.NONE, 0, true);
        }
        // fall through: decimals stored as bytes
      case FIXED_LEN_BYTE_ARRAY:
        if (l instanceof DecimalLogicalTypeAnnotation
            && ((DecimalLogicalTypeAnnotation) l).getPrecision() <= 18) {
          return new ColumnMapping(name, ColumnType.FLOAT64, Conversion.DECIMAL_BYTES,
              ((DecimalLogicalTypeAnnotation) l).getScale(), false);
        }
        break;
      default:
        break;
    }
    throw new Unsupported("column '" + name + "' has unsupported Parquet type " + p.toString().trim()
        + "; supported: BOOLEAN, INT32/INT64 (signed, DATE, TIMESTAMP, DECIMAL up to 18 digits), INT96,"
        + " FLOAT, DOUBLE, STRING");
  }
}

package org.optstore.format.serial;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.optstore.testkit.ByteRegion;

/** Reads a serial file's layout back, for tests that corrupt or inspect particular regions. */
final class SerialFiles {
  private SerialFiles() {}

  /** A parsed file: its header, footer, footer position and size. */
  record Layout(SerialHeader header, SerialFooter footer, long footerOffset, long footerLength,
      long size) {

    int width(int column) {
      return SerialLayout.width(header.schema().field(column).type());
    }

    /** The file offset of block {@code b} of column {@code c}. */
    long blockOffset(int c, int b) {
      return footer.valueOffset(c, b * header.blockRows(), width(c));
    }
  }

  static Layout inspect(Path file) throws IOException {
    ByteBuffer all = ByteBuffer.wrap(Files.readAllBytes(file)).order(SerialLayout.ORDER);
    SerialHeader header = SerialHeader.decode(all, file.toString());
    long size = all.capacity();
    long footerOffset = all.getLong((int) size - SerialLayout.TRAILER);
    long footerLength = all.getLong((int) size - SerialLayout.TRAILER + 8);
    ByteBuffer fb = all.slice((int) footerOffset, (int) footerLength).order(SerialLayout.ORDER);
    SerialFooter footer = SerialFooter.decode(fb, header, footerOffset, file.toString());
    return new Layout(header, footer, footerOffset, footerLength, size);
  }

  /** Every region of the file by name: header, each column's values, bitmaps, dictionaries, footer, trailer. */
  static List<ByteRegion> regions(Path file) throws IOException {
    Layout l = inspect(file);
    List<ByteRegion> out = new ArrayList<>();
    out.add(new ByteRegion("header", 0, l.header().length()));
    SerialFooter f = l.footer();
    for (int c = 0; c < l.header().schema().size(); c++) {
      String name = l.header().schema().field(c).name();
      for (int x = 0; x < f.extentRows.length; x++) {
        out.add(new ByteRegion("values of column '" + name + "' in extent " + x,
            f.extentOffsets[x][c], (long) f.extentRows[x] * l.width(c)));
      }
      if (f.bitmapOffset[c] != -1) {
        out.add(new ByteRegion("null bitmap of column '" + name + "'", f.bitmapOffset[c],
            SerialFooter.bitmapBytes(f.rowCount)));
      }
      if (f.dictOffset[c] != -1) {
        out.add(new ByteRegion("dictionary of column '" + name + "'", f.dictOffset[c],
            SerialFooter.dictionaryBytes(f.dictEntries[c], f.dictBytes[c])));
      }
    }
    out.add(new ByteRegion("footer", l.footerOffset(), l.footerLength()));
    out.add(new ByteRegion("trailer", l.size() - SerialLayout.TRAILER, SerialLayout.TRAILER));
    return out;
  }
}

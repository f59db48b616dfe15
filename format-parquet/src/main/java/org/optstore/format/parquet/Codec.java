package org.optstore.format.parquet;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.DataFormatException;
import java.util.zip.GZIPOutputStream;
import java.util.zip.Inflater;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.xerial.snappy.Snappy;

/** Page compression for the codecs this format writes; decompression also for those it only reads. */
enum Codec {
  UNCOMPRESSED("uncompressed", CompressionCodecName.UNCOMPRESSED),
  SNAPPY("snappy", CompressionCodecName.SNAPPY),
  ZSTD("zstd", CompressionCodecName.ZSTD),
  GZIP("gzip", CompressionCodecName.GZIP);

  final String configName;
  final CompressionCodecName parquetName;

  Codec(String configName, CompressionCodecName parquetName) {
    this.configName = configName;
    this.parquetName = parquetName;
  }

  /** Compresses {@code src[0..len)}; returns the compressed bytes (a new array). */
  byte[] compress(byte[] src, int len) {
    try {
      switch (this) {
        case SNAPPY: {
          byte[] out = new byte[Snappy.maxCompressedLength(len)];
          int n = Snappy.compress(src, 0, len, out, 0);
          return java.util.Arrays.copyOf(out, n);
        }
        case ZSTD: {
          byte[] out = new byte[(int) Zstd.compressBound(len)];
          long n = Zstd.compressByteArray(out, 0, out.length, src, 0, len, 3);
          if (Zstd.isError(n)) {
            throw new IOException("zstd: " + Zstd.getErrorName(n));
          }
          return java.util.Arrays.copyOf(out, (int) n);
        }
        case GZIP: {
          ByteArrayOutputStream bos = new ByteArrayOutputStream(len / 2 + 64);
          try (GZIPOutputStream gz = new GZIPOutputStream(bos, 1 << 16)) {
            gz.write(src, 0, len);
          }
          return bos.toByteArray();
        }
        default:
          return java.util.Arrays.copyOf(src, len);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

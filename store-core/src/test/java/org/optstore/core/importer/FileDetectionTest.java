package org.optstore.core.importer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.optstore.DataStoreException;
import org.optstore.SchemaException;
import org.optstore.WriteOptions;
import org.optstore.core.format.FormatRegistry;
import org.optstore.core.testing.FormatLoader;

/** Telling what a file is: magic bytes, then extension, then the formats, then a look at text. */
class FileDetectionTest {
  @TempDir Path dir;

  private Path bytes(String name, byte[] content) throws IOException {
    Path p = dir.resolve(name);
    Files.write(p, content);
    return p;
  }

  /** The start of {@code pickle.dumps(pandas.DataFrame(...), protocol=4)}. */
  private static final byte[] PICKLE4 = {(byte) 0x80, 4, (byte) 0x95, 0x2d, 1, 0, 0, 0, 0, 0, 0,
      (byte) 0x8c, 0x11, 'p', 'a', 'n', 'd', 'a', 's'};

  @Test
  void picklesAreRefusedByMagicOrNameWithTheWayToConvertThem() throws IOException {
    for (Path p : new Path[] {bytes("frame.pkl", PICKLE4), bytes("frame.bin", PICKLE4),
        bytes("old.pickle", "(dp0\nS'a'\n".getBytes(StandardCharsets.US_ASCII)),
        bytes("frame.csv", PICKLE4)}) {
      assertThatThrownBy(() -> Imports.read(p)).as(p.toString())
          .isInstanceOf(SchemaException.class)
          .hasMessageContaining(p.toString())
          .hasMessageContaining("Python pickle, an unsafe format")
          .hasMessageContaining("pd.read_pickle('" + p.getFileName() + "')")
          .hasMessageContaining("to_csv");
    }
  }

  @Test
  void magicBytesComeBeforeTheExtension() throws IOException {
    Schema schema = SchemaBuilder.record("Row").fields().name("v").type().longType().noDefault()
        .endRecord();
    Path p = dir.resolve("actually-avro.csv");
    try (DataFileWriter<GenericRecord> w = new DataFileWriter<>(new GenericDatumWriter<>(schema))) {
      w.create(schema, p.toFile());
      GenericRecord r = new GenericData.Record(schema);
      r.put("v", 9L);
      w.append(r);
    }
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 10, 10);
    assertThat(o.kind()).isEqualTo("avro");
    assertThat(o.frame().longs("v").get(0)).isEqualTo(9);
  }

  @Test
  void aTextExtensionWinsOverAMagicNumberOfPrintableCharacters() throws IOException {
    Path p = bytes("ids.csv", "ORCID,name\n1,a\n".getBytes(StandardCharsets.UTF_8));
    Imports.Outcome o = Imports.run(p, WriteOptions.defaults(), 10, 10);
    assertThat(o.kind()).isEqualTo("csv");
    assertThat(o.frame().schema().names()).containsExactly("ORCID", "name");
    Path orc = bytes("t.orc", "ORC\u0001\u0002".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> Imports.read(orc)).isInstanceOf(SchemaException.class)
        .hasMessageContaining("is an ORC file").hasMessageContaining("convert it to CSV");
  }

  @Test
  void textWithoutAKnownExtensionIsToldByItsFirstLine() throws IOException {
    Path csv = bytes("data", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    assertThat(Imports.run(csv, WriteOptions.defaults(), 10, 10).kind()).isEqualTo("csv");
    Path json = bytes("data.txt", "\n  {\"a\": 1}\n".getBytes(StandardCharsets.UTF_8));
    Imports.Outcome o = Imports.run(json, WriteOptions.defaults(), 10, 10);
    assertThat(o.kind()).isEqualTo("jsonl");
    assertThat(o.frame().longs("a").get(0)).isEqualTo(1);
  }

  @Test
  void aFormatWithTheImportCapabilityImportsWhatItRecognises() throws IOException {
    FormatRegistry registry = FormatRegistry.load(FormatLoader.only(dir,
        LinesImportFormat.class));
    Path p = bytes("notes.dat", (LinesImportFormat.MAGIC + "first\nsecond\n")
        .getBytes(StandardCharsets.UTF_8));
    Imports.Outcome o = Imports.run(registry, p, WriteOptions.defaults(), 10, 10);
    assertThat(o.kind()).isEqualTo("testlines");
    assertThat(Arrays.asList(o.frame().strings("line").toArray())).containsExactly("first",
        "second");
    // without that format the same file is of no kind optstore knows
    FormatRegistry none = FormatRegistry.load(FormatLoader.only(dir));
    assertThatThrownBy(() -> Imports.run(none, p, WriteOptions.defaults(), 10, 10))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("cannot tell what kind of file " + p)
        .hasMessageContaining("CSV (.csv, .tsv, .tab), JSON lines (.jsonl, .ndjson, .json) and "
            + "Avro container files (.avro)")
        .hasMessageContaining("no format on the class path imports other files");
  }

  @Test
  void unsupportedKindsSayWhatTheyAreAndWhatIsSupported() throws IOException {
    FormatRegistry registry = FormatRegistry.load(FormatLoader.only(dir,
        LinesImportFormat.class));
    Path parquet = bytes("t.parquet", "PAR1\0\0\0\0PAR1".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> Imports.run(registry, parquet, WriteOptions.defaults(), 10, 10))
        .isInstanceOf(SchemaException.class)
        .hasMessageContaining("is a Parquet file")
        .hasMessageContaining("add format-parquet to the class path")
        .hasMessageContaining("what these formats import: testlines");
    Path gz = dir.resolve("t.csv.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write("a,b\n1,2\n".getBytes(StandardCharsets.UTF_8));
    }
    assertThatThrownBy(() -> Imports.run(registry, gz, WriteOptions.defaults(), 10, 10))
        .isInstanceOf(SchemaException.class).hasMessageContaining("is a gzip-compressed file")
        .hasMessageContaining("decompress it");
    Path binary = bytes("blob.bin", new byte[] {1, 2, 0, 3, 4});
    assertThatThrownBy(() -> Imports.run(registry, binary, WriteOptions.defaults(), 10, 10))
        .isInstanceOf(SchemaException.class).hasMessageContaining("cannot tell what kind");
  }

  @Test
  void aMissingOrUnreadableFileIsNamed() throws IOException {
    Path missing = dir.resolve("nope.csv");
    assertThatThrownBy(() -> Imports.read(missing)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining(missing.toString()).hasMessageContaining("no such file");
    assertThatThrownBy(() -> Imports.read(dir)).isInstanceOf(DataStoreException.class)
        .hasMessageContaining(dir.toString()).hasMessageContaining("is a directory");
  }
}

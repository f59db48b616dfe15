package org.optstore.format.hdf5;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The interop tests' process runner keeps its timeout and the tools' output. */
class InteropToolsTest {

  @Test
  void aCommandThatOutlivesItsTimeoutIsStoppedWithItsOutput() {
    assertThatThrownBy(() -> InteropTools.run(List.of("sh", "-c", "echo started; exec sleep 60"), 1))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("timed out after 1 s")
        .hasMessageContaining("started");
  }

  @Test
  void outputAndErrorsAreKeptInOrderWithTheExitCode() throws IOException {
    InteropTools.Output o = InteropTools.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), 30);
    assertThat(o.exitCode()).isEqualTo(3);
    assertThat(o.text()).isEqualTo("out\nerr\n");
  }

  @Test
  void moreOutputThanAPipeHoldsDoesNotBlockTheTool() throws IOException {
    // 1 MB, far beyond a pipe's buffer: a tool writing into an unread pipe would block until the timeout
    InteropTools.Output o = InteropTools.run(List.of("sh", "-c", "head -c 1048576 /dev/zero | tr '\\0' x"), 30);
    assertThat(o.exitCode()).isZero();
    assertThat(o.text()).hasSize(1 << 20);
  }
}

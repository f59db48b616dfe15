package org.example.rowformat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import org.junit.jupiter.api.Test;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.optstore.spi.StorageFormat;

/**
 * The contract's checks can fail: each deliberately flawed variant of {@link RowFormat} runs the
 * contract test that should catch its flaw, and that test must fail (the flawless format passes
 * the same tests in {@link RowFormatContractTest}).
 */
class ContractCatchesFlawsTest {

  /** A contract run on a flawed variant; nested so that the build does not run it as a test. */
  abstract static class Flawed extends RowFormatContractTest {
    abstract RowFormat.Flaw flaw();

    @Override
    protected StorageFormat format() {
      return new RowFormat(flaw());
    }
  }

  static class IgnoresChecksum extends Flawed {
    @Override
    RowFormat.Flaw flaw() {
      return RowFormat.Flaw.IGNORES_CHECKSUM;
    }
  }

  static class ClaimsTimeRange extends Flawed {
    @Override
    RowFormat.Flaw flaw() {
      return RowFormat.Flaw.CLAIMS_TIME_RANGE;
    }
  }

  static class NullStringsAsEmpty extends Flawed {
    @Override
    RowFormat.Flaw flaw() {
      return RowFormat.Flaw.NULL_STRINGS_AS_EMPTY;
    }
  }

  static class BreaksOnInterrupt extends Flawed {
    @Override
    RowFormat.Flaw flaw() {
      return RowFormat.Flaw.BREAKS_ON_INTERRUPT;
    }
  }

  private static TestExecutionSummary run(DiscoverySelector... selectors) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
        .selectors(selectors).build();
    Launcher launcher = LauncherFactory.create();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    launcher.execute(request, listener);
    return listener.getSummary();
  }

  @Test
  void aReaderThatIgnoresItsChecksumFailsTheCorruptionTests() {
    TestExecutionSummary s = run(
        selectMethod(IgnoresChecksum.class, "corruptionIsDetectedOrHarmless", "boolean"),
        selectMethod(IgnoresChecksum.class, "recordedChecksumsAreChecked", "boolean"));
    assertThat(s.getTestsStartedCount()).isEqualTo(4);
    assertThat(s.getTotalFailureCount()).isEqualTo(4);
    assertThat(s.getFailures().get(0).getException().getMessage())
        .containsAnyOf("should be", "Expecting", "expected");
  }

  @Test
  void aReaderThatClaimsAPushdownItDoesNotDoFailsTheTimeRangeTests() {
    TestExecutionSummary s = run(selectMethod(ClaimsTimeRange.class, "timeRangesAtEveryBoundary",
        "org.optstore.testkit.ContractData$TimeOrder"));
    assertThat(s.getTestsStartedCount()).isEqualTo(3);
    assertThat(s.getTotalFailureCount()).isEqualTo(3);
  }

  @Test
  void aReaderThatOneInterruptBreaksFailsTheInterruptTest() {
    TestExecutionSummary s = run(selectMethod(BreaksOnInterrupt.class,
        "anInterruptedReadLeavesTheReaderWorking", "boolean"));
    assertThat(s.getTestsStartedCount()).isEqualTo(2);
    assertThat(s.getTotalFailureCount()).isEqualTo(2);
    assertThat(s.getFailures().get(0).getException().getMessage())
        .contains("neither corruption nor a closed reader");
  }

  @Test
  void aWriterThatLosesNullsFailsTheRoundTrip() {
    TestExecutionSummary s = run(selectMethod(NullStringsAsEmpty.class,
        "roundTripsEveryTypeWithNulls", "boolean"));
    assertThat(s.getTestsStartedCount()).isEqualTo(2);
    assertThat(s.getTotalFailureCount()).isEqualTo(2);
    assertThat(s.getFailures().get(0).getException().getMessage()).contains("column 's'");
  }
}

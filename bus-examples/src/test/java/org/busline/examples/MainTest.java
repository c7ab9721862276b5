package org.busline.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class MainTest {
    private final ByteArrayOutputStream output = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8);

    @Test
    void runsBothExamplesAndExitsZeroWhenNothingWasLost() throws InterruptedException {
        int status = Main.run(new String[] {"--orders", "200", "--failure-rate", "0.5", "--seed", "7"}, out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).contains("decoupled", "Trace of order o-1", "dead-lettered", "Summary: 200 orders",
                "OK: every order paid or dead-lettered");
    }

    @Test
    void helpPrintsTheOptionsAndExitsZero() throws InterruptedException {
        assertThat(Main.run(new String[] {"--help"}, out)).isZero();
        assertThat(output.toString(StandardCharsets.UTF_8)).contains("--orders N", "--failure-rate F", "--seed S");
    }

    @Test
    void badArgumentsExitTwoAndSayWhy() throws InterruptedException {
        assertThat(Main.run(new String[] {"--orders", "0"}, out)).isEqualTo(2);
        assertThat(Main.run(new String[] {"--failure-rate", "1.5"}, out)).isEqualTo(2);
        assertThat(Main.run(new String[] {"--seed"}, out)).isEqualTo(2);
        assertThat(Main.run(new String[] {"--colour"}, out)).isEqualTo(2);
        assertThat(output.toString(StandardCharsets.UTF_8)).contains(
                "orders must be between 1 and 100000, but was 0", "failure rate must be between 0 and 1, but was 1.5",
                "--seed needs a value", "unknown option --colour");
    }

    @Test
    void placesOrdersThroughTheOutboxWithEachOrderChargedExactlyOnce() throws InterruptedException {
        int status = Main.run(new String[] {"--outbox", "--orders", "50"}, out);

        String printed = output.toString(StandardCharsets.UTF_8);
        assertThat(status).as(printed).isZero();
        assertThat(printed).contains("45 orders committed and 5 refused (rolled back), 45 in the orders table, "
                + "45 charged", "OK: every committed order charged exactly once");
    }

    @Test
    void losesNoOrderWhenTheProcessIsKilledMidStream() throws InterruptedException {
        int status = Main.run(new String[] {"--crash"}, out);

        String printed = output.toString(StandardCharsets.UTF_8);
        // --crash needs the PostgreSQL server: skipped without it, except on CI, where it must be there.
        assumeFalse(printed.contains("which does not answer") && !"true".equals(System.getenv("CI")), printed);
        assertThat(status).as(printed).isZero();
        assertThat(printed).containsPattern("process 1 killed after [1-9][0-9]* committed orders")
                .containsPattern("process 2 killed after [1-9][0-9]* committed orders")
                .contains("0 committed orders never charged, 0 charged twice, 0 charges of orders that do not exist");
    }
}

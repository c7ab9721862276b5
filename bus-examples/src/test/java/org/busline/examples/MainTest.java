package org.busline.examples;

import static org.assertj.core.api.Assertions.assertThat;

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
}

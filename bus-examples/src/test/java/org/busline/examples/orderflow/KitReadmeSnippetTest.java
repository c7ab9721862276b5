package org.busline.examples.orderflow;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;

/** bus-test's README shows a conversation test copied from {@link OrderConversationTest}: it must be that code. */
class KitReadmeSnippetTest {

    @org.junit.jupiter.api.Test
    void theReadmesTenLineTestIsTheOneThatRuns() throws IOException {
        String source = Files.readString(
                Path.of("src/test/java/org/busline/examples/orderflow/OrderConversationTest.java"));
        String tagged = source.substring(source.indexOf("// tag::conversation[]\n") + 23,
                source.indexOf("    // end::conversation[]"));
        String dedented = tagged.lines().map(line -> line.startsWith("    ") ? line.substring(4) : line)
                .collect(Collectors.joining("\n", "", "\n"));
        String readme = Files.readString(Path.of("..", "bus-test", "README.md"));

        assertThat(readme).contains("```java\n" + dedented + "```\n");
    }
}

package org.busline.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The README's order-flow section is copied from this module's code: every Java line of it must be there. */
class ReadmeSnippetTest {

    @Test
    void everyJavaLineOfTheSnippetIsInTheExamplesSources() throws IOException {
        String sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(file -> file.toString().endsWith(".java")).map(ReadmeSnippetTest::read)
                    .collect(Collectors.joining("\n"));
        }
        List<String> sourceLines = sources.lines().map(String::strip).toList();

        assertThat(javaLines(Path.of("..", "README.md"), "## The order flow")).isNotEmpty()
                .allSatisfy(line -> assertThat(sourceLines).contains(line));
        assertThat(javaLines(Path.of("..", "README.md"), "# Busline")).as("the first example").isNotEmpty()
                .allSatisfy(line -> assertThat(sourceLines).contains(line));
    }

    /**
     * The lines of the ```java blocks of one section (from its heading to the next of level 2), stripped, without
     * blank lines, braces alone and comments.
     */
    private static List<String> javaLines(Path markdown, String heading) throws IOException {
        List<String> lines = new ArrayList<>();
        boolean inSection = false;
        boolean inJava = false;
        for (String line : Files.readAllLines(markdown)) {
            if (!inJava && (line.startsWith("## ") || line.startsWith("# "))) {
                inSection = line.startsWith(heading);
            } else if (!inSection) {
                continue;
            } else if (line.startsWith("```")) {
                inJava = line.equals("```java");
            } else if (inJava && !line.isBlank() && !line.strip().equals("}") && !line.strip().startsWith("//")) {
                lines.add(line.strip());
            }
        }
        return lines;
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

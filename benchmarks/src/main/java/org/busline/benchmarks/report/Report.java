package org.busline.benchmarks.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a JMH JSON result file of this module's benchmarks into the Markdown tables of the README (one per scenario:
 * each library's score with its error, bytes allocated per operation from {@code -prof gc}, and how many times
 * faster Busline is), a check of the targets, and optionally an SVG chart of Busline's speed-up over each peer.
 *
 * <pre>
 * java -cp benchmarks.jar org.busline.benchmarks.report.Report results.json [--svg ratios.svg] [--out table.md]
 * </pre>
 *
 * <p>The Markdown goes to standard output and, with {@code --out}, to a file too. Speed-up is the peer's time over
 * Busline's for average-time scenarios, Busline's throughput over the peer's for throughput scenarios: above 1
 * Busline is faster. It compares scores only; the errors are in the table.
 */
public final class Report {
    /** The scenarios, in the order of the README. */
    static final List<String> SCENARIOS = List.of("SyncPublishBenchmark", "SyncFanOutBenchmark",
            "SyncHierarchyBenchmark", "AnnotatedSubscriberBenchmark", "AsyncThroughputBenchmark",
            "AsyncMultiProducerBenchmark", "RequestReplyBenchmark", "SerializationBenchmark");
    /** The libraries, in the order of the tables. */
    static final List<String> LIBRARIES = List.of("direct", "floor", "equivalent", "busline", "guava", "greenrobot",
            "mbassador", "vertx", "disruptor", "abq");
    private static final String PREFIX = "org.busline.benchmarks.";

    /** Why a library has no method in a scenario. */
    private static final Map<String, String> NO_METHOD = Map.of(
            "sync", "`vertx`, `disruptor`, `abq`: no method, they only hand messages to another thread",
            "async", "`direct`: no method, `abq` (the JDK hand-off) is the floor without a bus",
            "RequestReplyBenchmark", "`guava`, `greenrobot`, `mbassador`, `disruptor`, `abq`: no request/reply",
            "SerializationBenchmark", "the peers have no envelope serializer; `direct` is a plain `ObjectMapper` "
                    + "of the payload alone, `equivalent` one of an object with the envelope's fields");

    /** One benchmark's result. */
    record Result(String scenario, String library, String mode, double score, double error, String unit,
                  double bytesPerOp, int threads) {
        boolean throughput() {
            return mode.equals("thrpt");
        }
    }

    private Report() {
    }

    /**
     * Prints the report of a JMH JSON file.
     *
     * @param args the JSON file, then optionally {@code --svg FILE} and {@code --out FILE}
     * @throws IOException if a file cannot be read or written
     */
    public static void main(String[] args) throws IOException {
        if (args.length == 0) {
            System.err.println("usage: Report <jmh-result.json> [--svg ratios.svg] [--out table.md]");
            System.exit(2);
        }
        Path json = Path.of(args[0]);
        Path svg = null;
        Path out = null;
        for (int i = 1; i < args.length; i++) {
            switch (args[i]) {
                case "--svg" -> svg = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown option '" + args[i] + "'");
            }
        }
        JsonNode root = new ObjectMapper().readTree(json.toFile());
        List<Result> results = parse(root);
        String markdown = markdown(root, results);
        System.out.print(markdown);
        if (out != null) {
            Files.writeString(out, markdown, StandardCharsets.UTF_8);
        }
        if (svg != null) {
            Files.writeString(svg, Chart.svg(speedUps(results)), StandardCharsets.UTF_8);
        }
    }

    static List<Result> parse(JsonNode root) {
        List<Result> results = new ArrayList<>();
        for (JsonNode run : root) {
            String benchmark = run.path("benchmark").asText();
            if (!benchmark.startsWith(PREFIX)) {
                continue;
            }
            String name = benchmark.substring(PREFIX.length());
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                continue;
            }
            JsonNode primary = run.path("primaryMetric");
            JsonNode alloc = run.path("secondaryMetrics").path("gc.alloc.rate.norm");
            results.add(new Result(name.substring(0, dot), name.substring(dot + 1), run.path("mode").asText(),
                    primary.path("score").asDouble(Double.NaN), primary.path("scoreError").asDouble(Double.NaN),
                    primary.path("scoreUnit").asText(),
                    alloc.isMissingNode() ? Double.NaN : alloc.path("score").asDouble(Double.NaN),
                    run.path("threads").asInt(1)));
        }
        return results;
    }

    /** Busline's speed-up over a peer: above 1, Busline is faster. */
    static double speedUp(Result busline, Result peer) {
        return busline.throughput() ? busline.score() / peer.score() : peer.score() / busline.score();
    }

    /** Every scenario's speed-ups of Busline over its other libraries, in table order. */
    static Map<String, Map<String, Double>> speedUps(List<Result> results) {
        Map<String, Map<String, Double>> all = new LinkedHashMap<>();
        for (String scenario : SCENARIOS) {
            Map<String, Result> byLibrary = byLibrary(results, scenario);
            Result busline = byLibrary.get("busline");
            if (busline == null) {
                continue;
            }
            Map<String, Double> ratios = new LinkedHashMap<>();
            byLibrary.forEach((library, result) -> {
                if (!library.equals("busline")) {
                    ratios.put(library, speedUp(busline, result));
                }
            });
            if (!ratios.isEmpty()) {
                all.put(scenario, ratios);
            }
        }
        return all;
    }

    private static Map<String, Result> byLibrary(List<Result> results, String scenario) {
        Map<String, Result> found = new LinkedHashMap<>();
        for (String library : LIBRARIES) {
            for (Result result : results) {
                if (result.scenario().equals(scenario) && result.library().equals(library)) {
                    found.put(library, result);
                }
            }
        }
        return found;
    }

    static String markdown(JsonNode root, List<Result> results) {
        StringBuilder md = new StringBuilder();
        md.append(header(root));
        for (String scenario : SCENARIOS) {
            Map<String, Result> byLibrary = byLibrary(results, scenario);
            if (byLibrary.isEmpty()) {
                continue;
            }
            Result any = byLibrary.values().iterator().next();
            md.append("\n### ").append(scenario).append("\n\n");
            md.append(any.throughput()
                    ? "Throughput, higher is better (" + any.threads() + " producer thread"
                    + (any.threads() == 1 ? "" : "s") + "; an op is one message).\n\n"
                    : "Average time per operation, lower is better.\n\n");
            md.append("| library | score | B/op | Busline is |\n|---|---:|---:|---|\n");
            Result busline = byLibrary.get("busline");
            for (Result result : byLibrary.values()) {
                md.append("| ").append(result.library().equals("busline") ? "**busline**" : result.library())
                        .append(" | ").append(score(result))
                        .append(" | ").append(bytes(result.bytesPerOp()))
                        .append(" | ").append(busline == null ? "n/a (no busline method yet)"
                                : result == busline ? "" : ratio(speedUp(busline, result)))
                        .append(" |\n");
            }
            String reason = NO_METHOD.get(scenario.startsWith("Sync") || scenario.startsWith("Annotated") ? "sync"
                    : scenario.startsWith("Async") ? "async" : scenario);
            if (reason != null) {
                md.append("\n").append(reason).append(".\n");
            }
        }
        md.append(targets(results));
        return md.toString();
    }

    private static String header(JsonNode root) {
        JsonNode first = root.path(0);
        StringBuilder md = new StringBuilder();
        md.append("Date: ").append(LocalDate.now()).append(" · JDK: ").append(first.path("jdkVersion").asText())
                .append(" (").append(first.path("vmName").asText()).append(' ')
                .append(first.path("vmVersion").asText()).append(") · CPUs: ")
                .append(Runtime.getRuntime().availableProcessors()).append(" · JMH ")
                .append(first.path("jmhVersion").asText()).append(": ")
                .append(first.path("forks").asInt()).append(" fork(s), ")
                .append(first.path("warmupIterations").asInt() == 0 ? "no" : first.path("warmupIterations").asInt()
                        + " × " + first.path("warmupTime").asText()).append(" warm-up, ")
                .append(first.path("measurementIterations").asInt()).append(" × ")
                .append(first.path("measurementTime").asText()).append(" measurement, `-prof gc`.\n");
        return md.toString();
    }

    /** The targets of the performance issue, each a ratio within this one run. */
    private static String targets(List<Result> results) {
        List<String> lines = new ArrayList<>();
        Map<String, Map<String, Double>> ratios = speedUps(results);
        Map<String, Result> publish = byLibrary(results, "SyncPublishBenchmark");
        Result busline = publish.get("busline");
        Result floor = publish.get("floor");
        if (busline != null && floor != null) {
            double times = busline.score() / floor.score();
            lines.add(check(times <= 1.5, "`SyncPublishBenchmark.busline` within 1.5× of `floor`: "
                    + fixed(times) + "× (" + score(busline) + " vs " + score(floor) + ")"));
        }
        if (busline != null) {
            lines.add(check(busline.bytesPerOp() < 1.0, "`SyncPublishBenchmark.busline` 0 B/op: "
                    + bytes(busline.bytesPerOp()) + " B/op"));
        }
        faster(lines, ratios, "SyncPublishBenchmark", Map.of("greenrobot", 10.0, "guava", 25.0, "mbassador", 20.0));
        faster(lines, ratios, "SyncFanOutBenchmark", Map.of("greenrobot", 10.0));
        Map<String, Result> async = byLibrary(results, "AsyncThroughputBenchmark");
        faster(lines, ratios, "AsyncThroughputBenchmark", Map.of("abq", 1.5, "disruptor", 1.0 / 3.0));
        Result asyncBusline = async.get("busline");
        if (asyncBusline != null) {
            // To the byte: -prof gc divides all of the JVM's allocation by the operations, so a few thousandths of a
            // byte come from the harness (abq, which allocates nothing per message, shows several bytes).
            lines.add(check(Math.round(asyncBusline.bytesPerOp()) <= 16, "`AsyncThroughputBenchmark.busline` at most "
                    + "16 B per message: " + bytes(asyncBusline.bytesPerOp()) + " B"));
        }
        faster(lines, ratios, "AsyncMultiProducerBenchmark", Map.of("abq", 1.0));
        Result twoProducers = byLibrary(results, "AsyncMultiProducerBenchmark").get("busline");
        if (twoProducers != null) {
            lines.add(check(twoProducers.error() < twoProducers.score(), "`AsyncMultiProducerBenchmark.busline` "
                    + "error smaller than its score: " + score(twoProducers)));
        }
        Map<String, Result> serialization = byLibrary(results, "SerializationBenchmark");
        Result envelope = serialization.get("busline");
        Result equivalent = serialization.get("equivalent");
        if (envelope != null && equivalent != null) {
            double times = envelope.score() / equivalent.score();
            lines.add(check(times <= 1.5, "`SerializationBenchmark.busline` within 1.5× of `equivalent`: "
                    + fixed(times) + "× (" + score(envelope) + " vs " + score(equivalent) + ")"));
        }
        if (lines.isEmpty()) {
            return "";
        }
        return "\n### Targets\n\n" + String.join("\n", lines) + "\n";
    }

    /** One line for each peer that Busline must outrun by the given factor in a scenario. */
    private static void faster(List<String> lines, Map<String, Map<String, Double>> ratios, String scenario,
                               Map<String, Double> needed) {
        Map<String, Double> scenarioRatios = ratios.getOrDefault(scenario, Map.of());
        needed.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(peer -> {
            Double ratio = scenarioRatios.get(peer.getKey());
            if (ratio != null) {
                lines.add(check(ratio >= peer.getValue(), "`" + scenario + "`: " + (peer.getValue() >= 1.0
                        ? "at least " + fixed(peer.getValue()) + "× " : "within " + fixed(1.0 / peer.getValue())
                        + "× of ") + peer.getKey() + ": " + fixed(ratio) + "×"));
            }
        });
    }

    private static String check(boolean met, String text) {
        return "- " + (met ? "met" : "**missed**") + ": " + text;
    }

    static String ratio(double speedUp) {
        if (Double.isNaN(speedUp) || Double.isInfinite(speedUp)) {
            return "n/a";
        }
        return speedUp >= 1.0 ? fixed(speedUp) + "× faster" : fixed(1.0 / speedUp) + "× slower";
    }

    static String score(Result result) {
        if (result.unit().equals("ops/s")) {
            double scale = result.score() >= 1e6 ? 1e6 : 1e3;
            String prefix = scale == 1e6 ? "M" : "k";
            return fixed(result.score() / scale) + error(result.error() / scale) + " " + prefix + " ops/s";
        }
        return fixed(result.score()) + error(result.error()) + " " + result.unit();
    }

    /** The error, unless JMH had too few iterations to give one. */
    private static String error(double error) {
        return Double.isNaN(error) ? "" : " ± " + fixed(error);
    }

    static String bytes(double bytes) {
        if (Double.isNaN(bytes)) {
            return "n/a";
        }
        if (bytes < 0.5) {
            return "≈ 0";
        }
        return bytes < 10 ? String.format(Locale.ROOT, "%.1f", bytes) : String.format(Locale.ROOT, "%.0f", bytes);
    }

    /** Three significant digits, without an exponent. */
    static String fixed(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        double abs = Math.abs(value);
        if (abs >= 100) {
            return String.format(Locale.ROOT, "%,.0f", value);
        }
        if (abs >= 10) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        if (abs >= 1) {
            return String.format(Locale.ROOT, "%.2f", value);
        }
        return String.format(Locale.ROOT, "%.3g", value);
    }

}

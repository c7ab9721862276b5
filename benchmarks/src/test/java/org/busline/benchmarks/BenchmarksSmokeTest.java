package org.busline.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

/**
 * Runs every benchmark once, in this JVM, with one short measurement and no warm-up, so that a benchmark that
 * throws, hangs or delivers nothing fails the build. It measures nothing: CI must not run the real benchmarks.
 */
class BenchmarksSmokeTest {
    /** The scenarios and their methods: what the README tables report. */
    private static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("SyncPublishBenchmark", List.of("direct", "floor", "busline", "guava", "greenrobot", "mbassador")),
            Map.entry("SyncFanOutBenchmark", List.of("direct", "floor", "busline", "guava", "greenrobot", "mbassador")),
            Map.entry("SyncHierarchyBenchmark", List.of("direct", "busline", "guava", "greenrobot", "mbassador")),
            Map.entry("AnnotatedSubscriberBenchmark", List.of("direct", "busline", "guava", "greenrobot", "mbassador")),
            Map.entry("AsyncThroughputBenchmark",
                    List.of("busline", "guava", "greenrobot", "mbassador", "vertx", "disruptor", "abq")),
            Map.entry("AsyncMultiProducerBenchmark",
                    List.of("busline", "guava", "greenrobot", "mbassador", "vertx", "disruptor", "abq")),
            Map.entry("RequestReplyBenchmark", List.of("direct", "busline", "vertx")),
            Map.entry("SerializationBenchmark", List.of("direct", "equivalent", "busline")),
            Map.entry("LatencyBenchmark", List.of("busline", "vertx", "abq")),
            Map.entry("ObservabilityBenchmark",
                    List.of("bare", "noopRegistry", "emptyObservationRegistry", "simpleMeterRegistry", "observedAndMetered")),
            Map.entry("BoundariesBenchmark", List.of("noRules", "noRulesAsModule", "allowed", "audited")),
            Map.entry("OutboxBenchmark", List.of("businessRowOnly", "plainOutboxInsert", "outboxPublish", "relayBacklog")));

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsEveryBenchmarkOnceWithoutFailure() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + Event.class.getPackageName().replace(".", "\\.") + "\\.[A-Za-z]+Benchmark\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Collection<RunResult> results = new Runner(options).run();

        Map<String, TreeSet<String>> ran = new TreeMap<>();
        for (RunResult result : results) {
            String benchmark = result.getParams().getBenchmark();
            String scenario = benchmark.substring(0, benchmark.lastIndexOf('.'));
            scenario = scenario.substring(scenario.lastIndexOf('.') + 1);
            ran.computeIfAbsent(scenario, k -> new TreeSet<>()).add(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            assertThat(result.getPrimaryResult().getScore()).as(benchmark).isPositive();
        }
        Map<String, TreeSet<String>> expected = new TreeMap<>();
        EXPECTED.forEach((scenario, methods) -> expected.put(scenario, new TreeSet<>(methods)));
        assertThat(ran).isEqualTo(expected);
    }

    @Test
    void asyncScenariosRunTheirDeclaredThreadsAndReportMessages() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + Event.class.getPackageName().replace(".", "\\.")
                        + "\\.Async(Throughput|MultiProducer)Benchmark\\.abq$")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(50))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        Map<String, Integer> threads = new TreeMap<>();
        for (RunResult result : new Runner(options).run()) {
            threads.put(result.getParams().getBenchmark().replaceAll(".*\\.(\\w+)\\.abq$", "$1"),
                    result.getParams().getThreads());
            assertThat(result.getParams().getOpsPerInvocation()).isEqualTo(AsyncBenchmarkBase.BATCH);
        }
        assertThat(threads).containsExactlyInAnyOrderEntriesOf(
                Map.of("AsyncThroughputBenchmark", 1, "AsyncMultiProducerBenchmark", 2));
    }

    /** The Kafka scenario lives in a package of its own, as it starts a broker: it runs once here, every method. */
    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void runsTheKafkaBridgeBenchmarkOnceAgainstItsOwnBroker() throws RunnerException {
        Options options = new OptionsBuilder()
                .include("^" + Event.class.getPackageName().replace(".", "\\.")
                        + "\\.kafka\\.KafkaBridgeBenchmark\\.")
                .forks(0)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(200))
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();

        TreeSet<String> ran = new TreeSet<>();
        for (RunResult result : new Runner(options).run()) {
            String benchmark = result.getParams().getBenchmark();
            ran.add(benchmark.substring(benchmark.lastIndexOf('.') + 1));
            assertThat(result.getPrimaryResult().getScore()).as(benchmark).isPositive();
        }
        assertThat(ran).containsExactly("busline", "plain", "plainWithHeaders");
    }
}

package org.busline.test;

/**
 * The entry point of the kit's AssertJ assertions. Import it statically next to AssertJ's own
 * {@code Assertions.assertThat}: the overloads here are more specific, so both work side by side.
 *
 * <pre>{@code
 * assertThat(recorder).published(OrderPlaced.class).once().matching(order -> order.quantity() == 2);
 * assertThat(recorder).noDeadLetters().noDrops();
 * assertThat(Topology.of(bus)).everyPublishedTopicHasASubscriber().hasNoCycleBetweenModules();
 * }</pre>
 */
public final class BusAssertions {
    private BusAssertions() {
    }

    /**
     * Starts assertions on what a recorder recorded: a snapshot taken now.
     *
     * @param recorder the recorder; not null
     * @return the assertion
     */
    public static RecorderAssert assertThat(BusRecorder recorder) {
        return new RecorderAssert(recorder, recorder.messages(), null);
    }

    /**
     * Starts architecture assertions on a topology.
     *
     * @param topology the topology; not null
     * @return the assertion
     */
    public static TopologyAssert assertThat(Topology topology) {
        return new TopologyAssert(topology);
    }
}

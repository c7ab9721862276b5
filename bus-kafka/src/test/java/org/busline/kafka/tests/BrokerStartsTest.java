package org.busline.kafka.tests;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BrokerStartsTest {
    @Test
    void startsAndCreatesTopics() throws Exception {
        String name = TestBroker.uniqueName("smoke");
        TestBroker.createTopics(3, name);
        assertThat(TestBroker.topics()).contains(name);
    }
}

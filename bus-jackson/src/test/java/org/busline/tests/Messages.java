package org.busline.tests;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;

/** The message types of the bus-jackson tests. */
final class Messages {
    /** Set by the static initializer of {@link Gadget}: proves whether input ever made Jackson initialize it. */
    static final AtomicBoolean GADGET_INITIALIZED = new AtomicBoolean();

    private Messages() {
    }

    record Address(String street, String city) {
    }

    record Line(String sku, int quantity, BigDecimal price) {
    }

    record Order(String id, Address shipTo, List<Line> lines, Optional<String> note, Optional<Address> billTo,
                 OptionalInt priority, Instant placedAt, LocalDate due, OffsetDateTime promised,
                 ZonedDateTime pickup, Duration window, Map<String, Integer> tags) {
    }

    record Page<T>(List<T> items, int number, Optional<T> first) {
    }

    /** Polymorphic by name: the input may choose only among allow-listed subtypes. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
    sealed interface Payment permits Card, Cash {
    }

    record Card(String last4) implements Payment {
    }

    record Cash(BigDecimal amount) implements Payment {
    }

    record Checkout(String orderId, Payment payment) {
    }

    /** Polymorphic by class name, which the serializer must refuse from input. */
    @JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
    interface Cargo {
    }

    record Crate(String label) implements Cargo {
    }

    record Shipment(Cargo cargo) {
    }

    /** What an attacker would like Jackson to instantiate. */
    static final class Gadget implements Cargo {
        static {
            GADGET_INITIALIZED.set(true);
        }

        public String command;
    }

    record Customer(String first, String last, String email) {
    }

    record CustomerV1(String name) {
    }

    record Tree(String name, List<Tree> children) {
    }

    record Note(String text) {
    }

    record Cart(String id, List<String> items) {
    }

    record Quantity(int value) {
        Quantity {
            if (value < 0) {
                throw new IllegalArgumentException("value must not be negative, but was " + value);
            }
        }
    }

    /** Jackson finds nothing to write in it. */
    static final class Opaque {
    }

    record Wrapper(Opaque content) {
    }
}

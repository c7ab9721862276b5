package org.busline.tests;

/** Message types shared by the tests. */
final class Events {
    private Events() {
    }

    interface Shape {
        String name();
    }

    record Circle(String name) implements Shape {
    }

    record Square(String name) implements Shape {
    }

    record OrderPlaced(String orderId) {
    }

    record PaymentFailed(String orderId) {
    }

    record Numbered(int publisher, int sequence) {
    }

    /** A generic wrapper, to test type tokens. */
    record Wrapper<T>(T content) {
    }
}

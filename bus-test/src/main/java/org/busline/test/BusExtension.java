package org.busline.test;

import org.busline.MessageBus;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A JUnit 5 extension that gives each test a fresh bus and its recorder, and closes the bus after the test:
 *
 * <pre>{@code
 * @ExtendWith(BusExtension.class)
 * class OrdersTest {
 *     @Test
 *     void placingAnOrderAnnouncesIt(MessageBus bus, BusRecorder recorder) {
 *         new OrderService(bus);
 *         bus.request(PlaceOrder.TOPIC, new PlaceOrder("ada", "sku-fig", 1, 250), OrderAccepted.class,
 *                 Duration.ofSeconds(1)).join();
 *         assertThat(recorder).published(OrderPlaced.class).once();
 *     }
 * }
 * }</pre>
 *
 * <p>The parameters it resolves, in test and lifecycle methods ({@code @BeforeEach} too) of one test: a
 * {@link MessageBus} named after the test's method, built with the defaults and a {@link BusRecorder} attached, and
 * that {@link BusRecorder}. Both are the same for every method of one test, and new for the next test. A test that
 * needs another configuration builds its own with {@link BusRecorder#attach(MessageBus.Builder)}.
 */
public final class BusExtension implements ParameterResolver, AfterEachCallback {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BusExtension.class);
    private static final String KEY = "recorder";

    /** Makes the extension; JUnit does, for {@code @ExtendWith(BusExtension.class)}. */
    public BusExtension() {
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return (type == MessageBus.class || type == BusRecorder.class) && context.getTestMethod().isPresent();
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        ExtensionContext.Store store = context.getStore(NAMESPACE);
        BusRecorder recorder = store.getOrComputeIfAbsent(KEY, key -> newRecorder(context), BusRecorder.class);
        Class<?> type = parameter.getParameter().getType();
        if (type == BusRecorder.class) {
            return recorder;
        }
        if (type == MessageBus.class) {
            return recorder.bus();
        }
        throw new ParameterResolutionException("BusExtension resolves MessageBus and BusRecorder, not " + type);
    }

    private static BusRecorder newRecorder(ExtensionContext context) {
        String name = context.getTestMethod().map(method -> method.getName()).orElse("test");
        BusRecorder recorder = BusRecorder.attach(MessageBus.builder().name(name));
        recorder.build();
        return recorder;
    }

    /** Closes the test's bus, if it made one: the mailboxes drain, what is left is reported as dropped. */
    @Override
    public void afterEach(ExtensionContext context) {
        BusRecorder recorder = context.getStore(NAMESPACE).remove(KEY, BusRecorder.class);
        if (recorder != null) {
            recorder.bus().close();
        }
    }
}

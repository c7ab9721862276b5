package org.busline.micrometer.tests;

import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.simple.SimpleServiceProvider;
import org.slf4j.spi.MDCAdapter;

/**
 * slf4j-simple with a working MDC: slf4j-simple's own MDC adapter does nothing, unlike Logback's or Log4j's, so the
 * tests name this provider ({@code slf4j.provider}, set by the POM's surefire configuration) to have a real one.
 */
public final class MdcTestProvider extends SimpleServiceProvider {
    private final MDCAdapter mdc = new BasicMDCAdapter();

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }
}

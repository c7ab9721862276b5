package org.busline.tests;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** A deliberately mutable message, to prove that isolated subscribers cannot share it. */
public final class Basket {
    public final List<String> items;

    public Basket(List<String> items) {
        this.items = new ArrayList<>(items);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Basket && items.equals(((Basket) other).items);
    }

    @Override
    public int hashCode() {
        return Objects.hash(items);
    }

    @Override
    public String toString() {
        return "Basket" + items;
    }
}

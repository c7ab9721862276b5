package org.busline.test.internal;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/** Cycles of a small directed graph: Tarjan's strongly connected components, iterative, deterministic. */
public final class Graphs {
    private Graphs() {
    }

    /**
     * Returns the strongly connected components of two or more nodes, each sorted, the list sorted by first node.
     *
     * @param graph every node and the nodes it points to; every target must be a key
     */
    public static List<SortedSet<String>> cycles(Map<String, Set<String>> graph) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<SortedSet<String>> components = new ArrayList<>();
        int[] counter = {0};
        for (String start : graph.keySet()) {
            if (!index.containsKey(start)) {
                strongConnect(start, graph, index, low, stack, onStack, components, counter);
            }
        }
        components.removeIf(component -> component.size() < 2);
        components.sort(Comparator.comparing(SortedSet::first));
        List<SortedSet<String>> frozen = new ArrayList<>();
        components.forEach(component -> frozen.add(Collections.unmodifiableSortedSet(component)));
        return List.copyOf(frozen);
    }

    private static void strongConnect(String root, Map<String, Set<String>> graph, Map<String, Integer> index,
                                      Map<String, Integer> low, Deque<String> stack, Set<String> onStack,
                                      List<SortedSet<String>> components, int[] counter) {
        // An explicit stack of (node, iterator over its targets) instead of recursion.
        Deque<Object[]> work = new ArrayDeque<>();
        visit(root, index, low, stack, onStack, counter);
        work.push(new Object[] {root, new ArrayList<>(graph.get(root)).iterator()});
        while (!work.isEmpty()) {
            Object[] frame = work.peek();
            String node = (String) frame[0];
            @SuppressWarnings("unchecked")
            java.util.Iterator<String> targets = (java.util.Iterator<String>) frame[1];
            if (targets.hasNext()) {
                String next = targets.next();
                if (!index.containsKey(next)) {
                    visit(next, index, low, stack, onStack, counter);
                    work.push(new Object[] {next, new ArrayList<>(graph.get(next)).iterator()});
                } else if (onStack.contains(next)) {
                    low.put(node, Math.min(low.get(node), index.get(next)));
                }
                continue;
            }
            work.pop();
            if (!work.isEmpty()) {
                String parent = (String) work.peek()[0];
                low.put(parent, Math.min(low.get(parent), low.get(node)));
            }
            if (low.get(node).equals(index.get(node))) {
                SortedSet<String> component = new TreeSet<>();
                String member;
                do {
                    member = stack.pop();
                    onStack.remove(member);
                    component.add(member);
                } while (!member.equals(node));
                components.add(component);
            }
        }
    }

    private static void visit(String node, Map<String, Integer> index, Map<String, Integer> low, Deque<String> stack,
                              Set<String> onStack, int[] counter) {
        index.put(node, counter[0]);
        low.put(node, counter[0]);
        counter[0]++;
        stack.push(node);
        onStack.add(node);
    }
}

package dev.omnibridge.hub.store;

import java.util.ArrayList;
import java.util.List;

/** Effects of one unit of work that must only happen once its transaction has committed. */
public final class AfterCommit {
    private final List<Runnable> actions = new ArrayList<>();

    public void run(Runnable action) {
        actions.add(action);
    }

    void runAll() {
        actions.forEach(Runnable::run);
    }
}

package dev.omnibridge.hub.store;

import java.util.ArrayList;
import java.util.List;

/** Effects of one unit of work that must only happen once its transaction has committed. */
public final class AfterCommit {
    private final List<Runnable> actions = new ArrayList<>();

    public void run(Runnable action) {
        actions.add(action);
    }

    /**
     * Hands these actions to {@code outer}, to run once its transaction commits: for a piece of a unit that ran
     * under its own savepoint and succeeded (one that was rolled back just drops its own).
     */
    public void moveTo(AfterCommit outer) {
        outer.actions.addAll(actions);
        actions.clear();
    }

    void runAll() {
        actions.forEach(Runnable::run);
    }
}

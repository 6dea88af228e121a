package dev.omnibridge.hub.knowledge;

import dev.omnibridge.spi.HelpCenter;

/**
 * Finds the help center of a desk instance when a sync runs: the hub answers from its running instances (whether a
 * connector has a help center is only known once it runs).
 */
@FunctionalInterface
public interface HelpCenterLookup {
    Found find(String desk);

    /**
     * What the lookup found.
     *
     * @param helpCenter the running connector's help center, or null
     * @param problem    why there is none (not running, no help center), or null
     * @param later      whether it may come by itself soon (the hub or the instance is still starting): the sync
     *                   then waits instead of failing
     */
    record Found(HelpCenter helpCenter, String problem, boolean later) {
        public static Found of(HelpCenter helpCenter) {
            return new Found(helpCenter, null, false);
        }

        public static Found none(String problem) {
            return new Found(null, problem, false);
        }

        public static Found notYet(String problem) {
            return new Found(null, problem, true);
        }
    }
}

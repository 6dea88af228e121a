package dev.omnibridge.hub.knowledge;

import dev.omnibridge.hub.runtime.ConnectorInstance;
import dev.omnibridge.hub.runtime.InstanceManager;
import dev.omnibridge.hub.runtime.InstanceState;
import dev.omnibridge.spi.HelpCenter;

import java.util.Optional;

/** The help centers of the hub's running desk instances, with the reason when a desk has none right now. */
public final class InstanceHelpCenters implements HelpCenterLookup {
    private final InstanceManager instances;

    public InstanceHelpCenters(InstanceManager instances) {
        this.instances = instances;
    }

    @Override
    public Found find(String desk) {
        Optional<ConnectorInstance> instance = instances.find(desk);
        if (instance.isEmpty()) {
            return Found.none("no instance '" + desk + "'");
        }
        ConnectorInstance i = instance.get();
        if (!i.enabled()) {
            return Found.none("desk '" + desk + "' is disabled");
        }
        if (i.state() == InstanceState.RUNNING) {
            return instances.connector(desk, HelpCenter.class).map(Found::of).orElseGet(() -> Found.none(
                    "desk '" + desk + "' (type " + i.type() + ") has no help center the hub can read"));
        }
        if (i.state() == InstanceState.STARTING || instances.startingUp()) {
            return Found.notYet("desk '" + desk + "' is starting");
        }
        return Found.none("desk '" + desk + "' is not running (" + i.state() + ")");
    }
}

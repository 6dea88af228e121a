package dev.omnibridge.deskkit;

import dev.omnibridge.config.ConfigDef;
import dev.omnibridge.config.ConfigProblem;
import dev.omnibridge.config.Setting;
import dev.omnibridge.config.SettingType;
import dev.omnibridge.config.Settings;
import dev.omnibridge.spi.DeliveryException;
import dev.omnibridge.spi.DeskDelivery;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A delivery's assignment (the group or queue its route names) read with the desk type's own declaration, the same
 * {@link ConfigDef} that {@code omnibridge validate} checked the routes against. Routes are checked before anything
 * starts, so a problem here means the stored assignment no longer fits the desk's declaration (e.g. a route written
 * for another desk type): repeating the delivery would not help.
 */
public final class DeskAssignment {
    private DeskAssignment() {
    }

    /**
     * A group setting whose value is the desk's numeric group id (Zendesk and Freshdesk tickets' {@code group_id}).
     *
     * @param vendor      the desk's name, for the problem an operator reads
     * @param whereToFind where in the desk the id is shown
     */
    public static Setting groupId(String name, String vendor, String whereToFind) {
        return Setting.of(name, SettingType.LONG)
                .describedAs(vendor + " group id for new tickets (ticket group_id): " + whereToFind)
                .validatedBy(v -> (Long) v > 0 ? Optional.empty()
                        : Optional.of("must be a " + vendor + " group id (a positive integer), was " + v));
    }

    /**
     * The typed assignment; empty settings when the route gave none (the desk's default).
     *
     * @throws DeliveryException permanent, naming each problem
     */
    public static Settings of(ConfigDef declared, String instanceId, DeskDelivery delivery) {
        List<ConfigProblem> problems = new ArrayList<>();
        Settings parsed = declared.parse(instanceId, delivery.assignment(), problems);
        if (!problems.isEmpty()) {
            throw DeliveryException.permanent("the route's assignment does not fit this desk: "
                    + problems.stream().map(ConfigProblem::toString).collect(Collectors.joining("; ")));
        }
        return parsed;
    }
}

package dev.omnibridge.hub.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.routepolicy.MicrometerRoutePolicyFactory;

/**
 * Times the exchanges of every Camel route a connector adds ({@code ConnectorContext.addRoutes}), through
 * camel-micrometer's route policy: {@code camel_exchanges_total{routeId}}, {@code camel_exchanges_failed_total},
 * {@code camel_route_policy_seconds} and the like. Route ids are the connectors' own, one or a few per configured
 * instance, so the series are bounded.
 */
public final class CamelMetrics {
    private CamelMetrics() {
    }

    /** Before any route is added: a route takes its policies when it is created. */
    public static void install(CamelContext camel, MeterRegistry registry) {
        MicrometerRoutePolicyFactory policies = new MicrometerRoutePolicyFactory();
        policies.setMeterRegistry(registry);
        // Its "app_info" gauge would name Camel's runtime provider "Main", which the hub is not.
        policies.setSkipCamelInfo(true);
        camel.addRoutePolicyFactory(policies);
    }
}

package dev.omnibridge.connector.twilio;

import dev.omnibridge.testkit.FakeConnectorContext;
import org.apache.camel.CamelContext;
import org.apache.camel.impl.DefaultCamelContext;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** A started twilio-sms connector on the testkit's in-memory hub, with a real Camel context. */
final class Fixture implements AutoCloseable {
    static final String INSTANCE = "sms";
    /** What FakeConnectorContext reports as the hub's webhook URL for the instance. */
    static final String HUB_URL = "http://localhost:8080/hooks/" + INSTANCE;

    final CamelContext camel;
    final FakeConnectorContext context;
    final TwilioConnector connector;

    private Fixture(Map<String, Object> settings, Set<String> mediaTrustedForTests) {
        camel = new DefaultCamelContext();
        camel.start();
        TwilioType type = new TwilioType();
        context = new FakeConnectorContext(INSTANCE, type.config(), settings).withCamel(camel);
        connector = new TwilioConnector(mediaTrustedForTests);
        connector.start(context);
    }

    static Map<String, Object> baseSettings() {
        Map<String, Object> s = new HashMap<>();
        s.put("accountSid", TwilioRequests.ACCOUNT_SID);
        s.put("authToken", TwilioRequests.TOKEN);
        return s;
    }

    static Fixture start(Map<String, Object> settings) {
        return new Fixture(settings, Set.of());
    }

    static Fixture start(Map<String, Object> settings, Set<String> mediaTrustedForTests) {
        return new Fixture(settings, mediaTrustedForTests);
    }

    @Override
    public void close() {
        connector.stop();
        camel.stop();
    }
}

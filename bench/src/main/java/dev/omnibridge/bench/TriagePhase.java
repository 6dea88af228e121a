package dev.omnibridge.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Issue 19, what triage costs: ingest at saturation and CPU per 1,000 messages at {@code openRate} on a hub with
 * triage off (plain route, no detection, no rules) and on one with a realistic set (language detection among seven
 * languages, ten classification rules with keywords in two languages, a regular expression, a VIP list, a calendar
 * and an unanswered count, and conditional routes), in the same run, with the same multilingual messages.
 */
final class TriagePhase {
    static final String SECTION = "11. Triage: classification cost (hub, issue 19)";
    static final int CONVERSATIONS = 50;

    /** Short customer messages in the seven detected languages; some carry the rules' keywords. */
    static final List<String> TEXTS = List.of(
            "Hello, my order has not arrived yet and the tracking page shows no update since last week.",
            "URGENT: the payment page is not working, we cannot take any orders right now.",
            "Guten Tag, meine Bestellung ist noch nicht angekommen. Können Sie bitte nachsehen?",
            "Dringend: die App funktioniert nicht mehr seit dem letzten Update, bitte sofort helfen.",
            "Bonjour, je n'ai toujours pas reçu ma commande, pouvez-vous vérifier le suivi s'il vous plaît ?",
            "Hola, quisiera cambiar la dirección de entrega de mi pedido, ¿es posible todavía?",
            "Olá, gostaria de saber quando o meu pedido vai chegar, o rastreamento não mostra nada.",
            "Buongiorno, ho ricevuto un prodotto danneggiato e vorrei un rimborso, come devo fare?",
            "Goedemiddag, mijn factuur klopt niet, er staat een verkeerd bedrag op. Kunt u dat nakijken?",
            "Hi, could you send me a copy of invoice INV-2026-004711? I need it for our accounting.");

    /** The triage section and routes of the rules-on hub (the rules-off hub has the plain route only). */
    static final String RULES_ON = """
            calendars:
              support-hours: {timeZone: Europe/Berlin, hours: "Mon-Fri 09:00-17:00"}
            triage:
              languages: [en, de, fr, es, pt, it, nl]
              minConfidence: 0.5
              lists:
                vip: ["+4915112345678", "t1_7@example.com", "ceo@bigcustomer.example"]
              rules:
                - name: urgent-words
                  when:
                    keywords:
                      en: [urgent, asap, "not working", outage]
                      de: [dringend, sofort, "funktioniert nicht", Ausfall]
                  set: {priority: URGENT, tags: [urgent]}
                - name: vip
                  when: {contactIn: vip}
                  set: {priority: HIGH, tags: [vip]}
                - name: chasing
                  when: {unanswered: 3}
                  set: {priority: HIGH, tags: [chasing]}
                - name: after-hours
                  when: {outside: support-hours}
                  set: {tags: [after-hours]}
                - name: invoice-number
                  when: {regex: ['\\bINV-\\d{4}-\\d{6}\\b']}
                  set: {tags: [billing]}
                - name: billing
                  when:
                    keywords:
                      en: [invoice, refund, charge]
                      de: [Rechnung, Erstattung]
                      fr: [facture, remboursement]
                      nl: [factuur]
                  set: {tags: [billing]}
                - name: delivery
                  when:
                    keywords:
                      en: [tracking, "not arrived", delivery]
                      de: [Bestellung, Lieferung]
                      fr: [commande, suivi]
                      es: [pedido, entrega]
                      pt: [pedido, rastreamento]
                  set: {tags: [delivery]}
                - name: damaged
                  when: {keywords: {en: [damaged, broken], it: [danneggiato, rotto], es: [roto]}}
                  set: {priority: HIGH, tags: [damaged]}
                - name: urgent-billing
                  when: {tag: [urgent], keywords: [payment]}
                  set: {tags: [escalate]}
                - name: unknown-language
                  when: {language: unknown}
                  set: {tags: [needs-language]}
            routes:
              - name: german
                from: web
                when: {language: de}
                to: [desk]
              - name: urgent
                from: web
                when: {priority: [URGENT, HIGH]}
                to: [desk]
              - name: everything-else
                from: web
                to: [desk]
                continue: false
            """;

    /** The same without the unanswered rule: classification and routing then run on the ingest threads only. */
    static final String RULES_ON_UNCOUNTED = RULES_ON.replace("""
                - name: chasing
                  when: {unanswered: 3}
                  set: {priority: HIGH, tags: [chasing]}
            """, "");

    /** Language detection alone: no rules, the plain route. */
    static final String DETECTION_ONLY = """
            triage:
              languages: [en, de, fr, es, pt, it, nl]
              minConfidence: 0.5
            """ + Launchers.PLAIN_ROUTE;

    private final Profile p;
    private final Report report;
    private final Scenarios s;

    TriagePhase(Profile p, Report report, Scenarios s) {
        this.p = p;
        this.report = report;
        this.s = s;
    }

    void run(Launchers launchers, Path workDir, List<Path> plugins, DeskStub stub) {
        try (Target hub = launchers.hub(workDir.resolve("hub-triage-off"), plugins, stub.deskUrl(),
                stub.callbackUrl(), List.of(), "", Launchers.PLAIN_ROUTE)) {
            cost(hub, "triage off (plain route)", "off");
        }
        try (Target hub = launchers.hub(workDir.resolve("hub-triage-on"), plugins, stub.deskUrl(),
                stub.callbackUrl(), List.of(), "", RULES_ON)) {
            cost(hub, "triage on (7 languages, 10 rules, conditional routes)", "on");
        }
        // Where the cost comes from: detection alone, and the rules without the one that needs the writer's count.
        try (Target hub = launchers.hub(workDir.resolve("hub-triage-detection"), plugins, stub.deskUrl(),
                stub.callbackUrl(), List.of(), "", DETECTION_ONLY)) {
            cost(hub, "language detection only (7 languages, plain route)", "detection");
        }
        try (Target hub = launchers.hub(workDir.resolve("hub-triage-uncounted"), plugins, stub.deskUrl(),
                stub.callbackUrl(), List.of(), "", RULES_ON_UNCOUNTED)) {
            cost(hub, "triage on without the unanswered rule (9 rules, conditional routes)", "uncounted");
        }
        report.text(SECTION, "Both hubs take the same messages: " + TEXTS.size() + " short customer texts in seven "
                + "languages in turn, over " + CONVERSATIONS + " conversations, each acknowledged after it is stored "
                + "and delivered to the desk stub. Triage on: detection among en, de, fr, es, pt, it, nl (Lingua, "
                + "minConfidence 0.5), ten rules (keywords in up to five languages, a regular expression, a VIP "
                + "list, a calendar, an unanswered count, which makes the writer count per conversation), and three "
                + "routes, two conditional (so each conversation's desks are recorded). The rules are in `"
                + "bench/src/main/java/dev/omnibridge/bench/TriagePhase.java`.");
    }

    private void cost(Target hub, String label, String id) {
        IngestCost cost = IngestCost.measure(p, s, hub, TriagePhase::messages);
        List<Double> rate = cost.rate();
        List<Double> cpu = cost.cpuPerThousand();
        report.figure(SECTION, "hub.triage." + id + ".rate", "ingest, " + label + ": saturation ("
                + p.saturationConcurrency() + " in flight)", "msg/s", rate);
        report.figure(SECTION, "hub.triage." + id + ".cpu", "ingest, " + label + ": CPU per 1,000 acknowledged "
                + "messages at " + p.openRate() + " msg/s", "ms", cpu);
    }

    private static IntFunction<HttpLoad.Request> messages(int run) {
        return Hooks.inboundMultilingual(run, run, CONVERSATIONS);
    }
}

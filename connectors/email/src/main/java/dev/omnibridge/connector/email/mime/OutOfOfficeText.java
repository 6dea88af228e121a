package dev.omnibridge.connector.email.mime;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Recognises the fixed text auto-responders write ("Thank you for your email. I am out of the office until 12 March
 * with limited access to email.") for the responders that set no auto-reply header and keep the original subject.
 *
 * <p>Customers mention being away too ("I was out of the office when the parcel came", "I'm on holiday until 5 May,
 * please deliver after that"), so one phrase is not enough. All of these must hold:
 * <ul>
 *   <li>a first-person, present-tense absence statement starts within the first {@value #OPENING_CHARS} characters
 *       of the text (the first lines, after a greeting and a thank-you);</li>
 *   <li>the first {@value #HEAD_CHARS} characters also carry a phrase only auto-replies use: a reply promised on
 *       return, urgent matters sent elsewhere, no or limited access to mail, mail not forwarded;</li>
 *   <li>those first characters ask no question: auto-replies state, customers ask.</li>
 * </ul>
 * A return date alone does not count: "I'm away until Monday, I will be back on 12 May" is how customers write too.
 * The phrases of any of the supported languages (en, de, fr, nl, es, it, sv, ja) may combine.
 */
final class OutOfOfficeText {
    static final int OPENING_CHARS = 250;
    static final int HEAD_CHARS = 600;

    private static final int FLAGS = Pattern.UNICODE_CASE | Pattern.UNICODE_CHARACTER_CLASS;

    /** "I am out of the office", in the tenses and word orders auto-replies use. Matched on lower-cased text. */
    private static final Pattern OPENING = Pattern.compile(String.join("|",
            // English
            "\\b(?:i am|i'm|i will be|i'll be) (?:currently |presently |now )?(?:out of (?:the )?office|away from "
                    + "(?:the|my) (?:office|desk)|on (?:annual |parental |maternity |paternity |sick |study )?leave"
                    + "|on (?:vacation|holiday|holidays|a business trip)|not in the office|absent|away)\\b",
            // German, also "vom 1. bis 5. Mai bin ich im Urlaub"
            "\\b(?:ich bin|bin ich|ich befinde mich|befinde ich mich)\\b.{0,60}?\\b(?:nicht im büro|nicht im hause"
                    + "|abwesend|au(?:ß|ss)er haus|im urlaub|in elternzeit|nicht erreichbar|auf dienstreise"
                    + "|nicht am arbeitsplatz)\\b",
            // French
            "\\bje (?:suis|serai) (?:actuellement )?(?:absente?|en congés?|en vacances|en déplacement"
                    + "|hors du bureau|en dehors du bureau)\\b",
            // Dutch, also "tot 3 juni ben ik met vakantie"
            "\\b(?:ik ben|ben ik)\\b.{0,50}?\\b(?:afwezig|niet aanwezig|niet op kantoor|met vakantie|op vakantie"
                    + "|met verlof|niet bereikbaar)\\b",
            // Spanish
            "\\b(?:estoy|estaré|me encuentro) (?:actualmente )?(?:fuera de (?:la )?oficina|de vacaciones|ausente"
                    + "|de viaje)\\b",
            // Italian
            "\\b(?:sono|sarò) (?:attualmente )?(?:fuori (?:ufficio|sede|dall'ufficio)|in ferie|in vacanza|assente"
                    + "|in congedo)\\b",
            // Swedish
            "\\b(?:jag är|är jag)\\b.{0,40}?\\b(?:ledig|tjänstledig|föräldraledig|på semester|bortrest"
                    + "|inte på kontoret|frånvarande|på tjänsteresa)\\b",
            // Japanese: polite forms only auto-replies and business mail use
            "不在にしております|不在にしています|不在にしてございます|休暇をいただいております|休暇を頂いております"
                    + "|休暇を取得しております|休暇中のため"), FLAGS);

    /** Phrases of the auto-reply's second sentence. Matched on lower-cased text. */
    private static final Pattern AUTO_REPLY_PHRASE = Pattern.compile(String.join("|",
            // English
            "\\b(?:when|once|after|upon|on) (?:i return|i'm back|i am back|i get back|my return)\\b",
            "\\b(?:limited|no|without|intermittent|restricted) access to (?:my )?e-?mails?\\b",
            "\\burgent (?:matters|enquiries|inquiries|issues|requests|queries|cases)\\b",
            "\\bif (?:it|this|your (?:matter|request|message|enquiry|inquiry)) is urgent\\b",
            "\\byour (?:e-?mail|message) will not be forwarded\\b",
            // German
            "\\b(?:nach|bei) meiner rückkehr\\b|\\bsobald ich (?:wieder )?zurück bin\\b",
            "\\bin dringenden fällen\\b|\\bbei dringenden (?:anliegen|fragen|angelegenheiten|fällen)\\b",
            "\\b(?:keinen|eingeschränkten|nur eingeschränkt|begrenzten) (?:zugriff|zugang)\\b",
            "\\b(?:e-?mails|ihre (?:e-?mail|nachricht)) (?:wird|werden) nicht weitergeleitet\\b",
            // French
            "\\b(?:dès|à) mon retour\\b|\\bpour toute urgence\\b|\\ben cas d'urgence\\b",
            "\\bpour (?:toute|les) (?:demandes?|questions?) urgentes?\\b|\\baccès limité\\b",
            "\\bne sera pas (?:transféré|transmis)e?\\b",
            // Dutch
            "\\bna mijn (?:terugkomst|terugkeer)\\b|\\bbij (?:mijn )?terugkomst\\b|\\bzodra ik (?:weer )?terug ben\\b",
            "\\b(?:voor|bij|in) dringende (?:zaken|vragen|gevallen)\\b|\\bbeperkte? toegang\\b",
            "\\buw (?:e-?mail|bericht) wordt niet doorgestuurd\\b",
            // Spanish
            "\\ba mi (?:regreso|vuelta|retorno)\\b|\\bcuando (?:regrese|vuelva)\\b|\\ben caso de urgencia\\b",
            "\\bpara (?:asuntos|temas|consultas) urgentes\\b|\\bacceso limitado\\b",
            // Italian
            "\\bal mio (?:rientro|ritorno)\\b|\\bper (?:urgenze|questioni urgenti|comunicazioni urgenti"
                    + "|richieste urgenti)\\b|\\bin caso di urgenza\\b|\\baccesso limitato\\b",
            // Swedish
            "\\bnär jag (?:är|kommer) tillbaka\\b|\\bvid min återkomst\\b|\\b(?:vid|i|för) brådskande "
                    + "(?:ärenden|frågor)\\b|\\bom det är brådskande\\b|\\bbegränsad (?:tillgång|åtkomst)\\b",
            // Japanese
            "戻り次第|帰社後|復帰後|出社後|出社次第|帰社次第|お急ぎの|緊急の|メールを確認できません"
                    + "|メールの確認ができません|返信が遅れ"), FLAGS);

    private static final Pattern QUESTION = Pattern.compile("[?？¿]");

    private OutOfOfficeText() {
    }

    /** @param text the mail's complete text body (quoted history below the reply does not matter) */
    static boolean matches(String text) {
        if (text == null || text.isBlank()) {
            return false;
        }
        String start = text.strip();
        // Normalising shortens white space runs, so twice the head is always enough to normalise.
        String head = normalise(start.substring(0, Math.min(start.length(), 2 * HEAD_CHARS)));
        head = head.substring(0, Math.min(head.length(), HEAD_CHARS));
        if (QUESTION.matcher(head).find()) {
            return false;
        }
        var opening = OPENING.matcher(head);
        return opening.find() && opening.start() < OPENING_CHARS && AUTO_REPLY_PHRASE.matcher(head).find();
    }

    /** Lower case, one space for any run of white space, typographic apostrophes as plain ones. */
    private static String normalise(String text) {
        return text.replace('\u2019', '\'').replace('\u02bc', '\'').replaceAll("\\s+", " ")
                .toLowerCase(Locale.ROOT);
    }
}

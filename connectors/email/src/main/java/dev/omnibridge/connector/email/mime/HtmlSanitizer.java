package dev.omnibridge.connector.email.mime;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.safety.Cleaner;
import org.jsoup.safety.Safelist;

/**
 * Makes mail HTML safe to embed in the agent UI. Agents open mail from strangers all day; the HTML must not run
 * code, submit forms, phone home or restyle the surrounding page.
 *
 * <p>An allow-list (jsoup {@link Safelist#relaxed()}) does most of the work; the extra rules cover what it permits
 * or what it would otherwise leave half-done: remote images (tracking pixels reveal that and when an agent read the
 * mail) are removed as whole elements, only {@code cid:} images stay; elements whose content is code or UI are
 * removed with their content instead of leaving it as stray text; links cannot reach the opener or pass referrers.
 */
public final class HtmlSanitizer {

    private static final String DROPPED_WITH_CONTENT = "script, style, iframe, frame, frameset, object, embed, applet, "
            + "noscript, template, meta, link, base, title, head, svg, math, input, button, textarea, select, option";

    private static final Safelist SAFELIST = Safelist.relaxed()
            .addTags("span", "hr", "center", "font", "abbr", "bdi", "del", "ins", "mark", "s", "small", "tt")
            .addAttributes(":all", "dir", "lang", "title")
            .addAttributes("td", "align", "valign", "bgcolor")
            .addAttributes("th", "align", "valign", "bgcolor")
            .addAttributes("table", "align", "border", "cellpadding", "cellspacing", "bgcolor")
            .addAttributes("p", "align")
            .addAttributes("div", "align")
            .addAttributes("font", "color", "face", "size")
            .removeProtocols("a", "href", "ftp")
            .addProtocols("a", "href", "tel")
            .removeProtocols("img", "src", "http", "https")
            .addProtocols("img", "src", "cid")
            .addEnforcedAttribute("a", "rel", "noopener noreferrer nofollow")
            .preserveRelativeLinks(false);

    private HtmlSanitizer() {
    }

    /** Sanitised body HTML (a fragment, no html/head/body elements). */
    public static String sanitize(String html) {
        return html == null ? null : sanitize(Jsoup.parse(html));
    }

    /** Sanitises a parsed document; the argument is modified. */
    public static String sanitize(Document dirty) {
        dirty.select(DROPPED_WITH_CONTENT).remove();
        for (Element img : dirty.select("img")) {
            if (!img.attr("src").trim().regionMatches(true, 0, "cid:", 0, 4)) {
                img.remove(); // remote, data: or relative: nothing an agent UI should load
            }
        }
        Document clean = new Cleaner(SAFELIST).clean(dirty);
        clean.outputSettings().prettyPrint(false);
        return clean.body().html().trim();
    }
}

package dev.omnibridge.connector.email.mime;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** HTML to text keeps the structure an agent needs to read the mail. */
class HtmlTextTest {

    @Test
    void preformattedTextKeepsItsWhitespace() {
        assertThat(HtmlText.toText("<p>Log:</p><pre>line 1\n  indented 2\n</pre><p>end</p>"))
                .isEqualTo("Log:\n\nline 1\n  indented 2\n\nend");
    }

    @Test
    void nestedBlockquotesAreMarkedPerLevel() {
        assertThat(HtmlText.toText("<div>new</div><blockquote>old<blockquote>older</blockquote></blockquote>"))
                .isEqualTo("new\n\n> old\n>\n> > older");
    }

    @Test
    void linksWhoseTextIsTheUrlAreNotRepeatedAndScriptLinksShowNoTarget() {
        assertThat(HtmlText.toText("<a href=\"https://x.example\">https://x.example</a> "
                + "<a href=\"javascript:void(0)\">menu</a> <a href=\"mailto:a@x.example\">a@x.example</a>"))
                .isEqualTo("https://x.example menu a@x.example");
    }

    @Test
    void nonBreakingSpacesAndWhitespaceRunsCollapse() {
        assertThat(HtmlText.toText("<p>a&nbsp;&nbsp;b \n\t c</p>")).isEqualTo("a b c");
    }

    @Test
    void nullGivesEmptyText() {
        assertThat(HtmlText.toText((String) null)).isEmpty();
    }
}

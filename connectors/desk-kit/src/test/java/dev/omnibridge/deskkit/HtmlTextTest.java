package dev.omnibridge.deskkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HtmlTextTest {
    @Test
    void blocksBecomeLinesListsDashesAndReferencesCharacters() {
        String html = "<h2>Returns</h2><p>Free &amp; easy&nbsp;within 30&#160;days.<br>Keep the receipt.</p>"
                + "<ul><li>Print the <b>label</b></li><li>Drop it off</li></ul><p>Caf&eacute; &#x2014; &euro;5 &lt;max&gt;</p>";

        assertThat(HtmlText.plain(html)).isEqualTo("Returns\nFree & easy within 30 days.\nKeep the receipt.\n"
                + "- Print the label\n- Drop it off\nCafé — €5 <max>");
    }

    @Test
    void scriptsStylesAndCommentsAreDroppedAndUnknownReferencesKept() {
        assertThat(HtmlText.plain("<style>p{color:red}</style><!-- hidden --><script>alert(1)</script>"
                + "<div>Tom &foo; Jerry</div>")).isEqualTo("Tom &foo; Jerry");
        assertThat(HtmlText.plain(null)).isEmpty();
        assertThat(HtmlText.plain("  ")).isEmpty();
    }
}

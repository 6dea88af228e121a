package dev.omnibridge.hub.runtime;

import dev.omnibridge.model.Author;
import dev.omnibridge.model.Message;
import dev.omnibridge.spi.DeskReply;
import dev.omnibridge.text.InboundText;

import java.util.Objects;

/**
 * Applies {@link InboundText#clean} to what a channel or desk hands in, at {@link InstanceManager#store}, the one
 * door into the journal for webhooks and polls alike: no desk, console or customer is then shown text that disguises
 * itself (bidi overrides) or that it cannot store (NUL and other control characters). Covers what people read and
 * desks store: a message's text, subject and author name, a reply's text, HTML and author name. Attachment file
 * names are the connectors' business ({@code FileNames.sanitize} already drops controls and bidi characters);
 * metadata values are identifiers for connectors, not shown to people, and are left as they are.
 */
final class CleanText {
    private CleanText() {
    }

    static Message message(Message m) {
        String text = InboundText.clean(m.text());
        String subject = InboundText.clean(m.subject());
        Author author = m.author();
        String name = InboundText.clean(author.displayName());
        if (text.equals(m.text()) && Objects.equals(subject, m.subject())
                && Objects.equals(name, author.displayName())) {
            return m;
        }
        return m.toBuilder().text(text).subject(subject)
                .author(new Author(author.role(), name, author.address())).build();
    }

    static DeskReply reply(DeskReply r) {
        String text = InboundText.clean(r.text());
        String html = InboundText.clean(r.html());
        String name = InboundText.clean(r.author().displayName());
        if (text.equals(r.text()) && Objects.equals(html, r.html()) && Objects.equals(name, r.author().displayName())) {
            return r;
        }
        return r.toBuilder().author(new Author(r.author().role(), name, r.author().address())).text(text).html(html)
                .build();
    }
}

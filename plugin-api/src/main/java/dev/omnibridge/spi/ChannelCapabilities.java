package dev.omnibridge.spi;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.text.TextParts;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.IntUnaryOperator;

/**
 * What one channel can carry in a message the hub sends: how long a text may be and how it is counted, reply
 * buttons, files, rich text, and the extras the console shows (templates, edits, typing, read receipts). A channel
 * declares it ({@link ChannelConnector#capabilities()}); the hub fits every outbound message to it before the
 * connector sees the message, in one place for all channels: a long text split into several messages in order,
 * options beyond the buttons the channel shows numbered into the text, files the channel does not take sent as a
 * link, HTML flattened to plain text. A connector then sends what it is given.
 *
 * <p>Immutable; build it with {@link #builder()}. New properties will be added to the builder with defaults that
 * keep today's meaning, so a connector built against this version keeps working: construct it only through the
 * builder.
 */
public final class ChannelCapabilities {
    /** How a channel counts its text limit. */
    public enum TextUnit {
        /** Unicode code points: an emoji of one code point counts 1. */
        CODE_POINTS(TextParts.CODE_POINTS),
        /** UTF-16 code units, what Java's {@code String.length()} counts: a supplementary character counts 2. */
        UTF16_UNITS(TextParts.UTF16_UNITS),
        /** Bytes of UTF-8 (1 to 4 per code point). */
        UTF8_BYTES(TextParts.UTF8_BYTES),
        /**
         * SMS characters: UTF-16 code units, with GSM-7's extension characters (which take two septets) counting 2;
         * never fewer than a carrier counts, whichever encoding it picks.
         */
        SMS_CHARACTERS(TextParts.SMS_CHARACTERS);

        private final IntUnaryOperator cost;

        TextUnit(IntUnaryOperator cost) {
            this.cost = cost;
        }

        /** What one code point counts in this unit. */
        public IntUnaryOperator cost() {
            return cost;
        }

        /** What {@code text} counts in this unit. */
        public int length(String text) {
            return TextParts.cost(text, cost);
        }
    }

    /** The markup a channel renders in a message's text. */
    public enum RichText {
        /** Plain text only: HTML is flattened to text before sending. */
        PLAIN,
        /** Markdown-style markup in the text (HTML is still flattened). */
        MARKDOWN,
        /** HTML alongside the text (e-mail). */
        HTML
    }

    /** Where the files a channel sends may come from. */
    public enum MediaSource {
        /** From the hub's attachment storage ({@code attachment:} locations) and from public http(s) URLs. */
        STORED_OR_URL,
        /** Only from the hub's attachment storage: a file at a URL goes as a link. */
        STORED_ONLY,
        /** Only from a public https URL the vendor fetches: a file only in the hub's storage cannot be sent. */
        URL_ONLY
    }

    /**
     * Files of a media type the channel takes, and how large.
     *
     * @param pattern  a media type ({@code application/pdf}), a type with any subtype ({@code image/*}) or any file
     *                 ({@code *}{@code /*}); lower case
     * @param maxBytes the largest file of that type, or 0 when the channel sets no limit
     */
    public record MediaRule(String pattern, long maxBytes) {
        public MediaRule {
            Objects.requireNonNull(pattern, "pattern");
            pattern = pattern.strip().toLowerCase(Locale.ROOT);
            if (!pattern.matches("\\*/\\*|[a-z0-9][a-z0-9.+_-]*/(\\*|[a-z0-9][a-z0-9.+_-]*)")) {
                throw new IllegalArgumentException("not a media type pattern: " + pattern);
            }
            if (maxBytes < 0) {
                throw new IllegalArgumentException("maxBytes must be 0 (no limit) or more");
            }
        }

        /** Whether {@code mediaType} (parameters such as {@code ; charset=} ignored) matches the pattern. */
        public boolean matches(String mediaType) {
            if (mediaType == null) {
                return false;
            }
            String type = mediaType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (pattern.equals("*/*")) {
                return true;
            }
            if (pattern.endsWith("/*")) {
                return type.startsWith(pattern.substring(0, pattern.length() - 1));
            }
            return type.equals(pattern);
        }
    }

    private static final ChannelCapabilities PLAIN_TEXT = builder().build();
    private static final ChannelCapabilities UNDECLARED = builder().media("*/*", 0).richText(RichText.HTML).build();

    private final int maxTextLength;
    private final TextUnit textUnit;
    private final int maxParts;
    private final int maxButtons;
    private final int maxButtonLabelLength;
    private final int maxTextWithButtons;
    private final List<MediaRule> media;
    private final MediaSource mediaSource;
    private final RichText richText;
    private final boolean templates;
    private final boolean edits;
    private final boolean typing;
    private final boolean readReceipts;

    private ChannelCapabilities(Builder b) {
        this.maxTextLength = b.maxTextLength;
        this.textUnit = b.textUnit;
        this.maxParts = b.maxParts;
        this.maxButtons = b.maxButtons;
        this.maxButtonLabelLength = b.maxButtonLabelLength;
        this.maxTextWithButtons = b.maxTextWithButtons;
        this.media = List.copyOf(b.media);
        this.mediaSource = b.mediaSource;
        this.richText = b.richText;
        this.templates = b.templates;
        this.edits = b.edits;
        this.typing = b.typing;
        this.readReceipts = b.readReceipts;
    }

    /** Plain text of any length, no buttons, no files, nothing else: what a channel that declares nothing gets. */
    public static ChannelCapabilities plainText() {
        return PLAIN_TEXT;
    }

    /**
     * What the hub assumes of a channel that declares nothing ({@link ChannelConnector#capabilities()}'s default): no
     * limit known, so the message goes as it is, files and HTML included; only reply options, which such a channel
     * shows as buttons only as far as its {@link ChannelConnector#maxChoices()} says, are numbered into the text.
     */
    public static ChannelCapabilities undeclared() {
        return UNDECLARED;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding these capabilities, to change some of them. */
    public Builder toBuilder() {
        Builder b = new Builder().text(maxTextLength, textUnit).maxParts(maxParts)
                .buttons(maxButtons, maxButtonLabelLength).maxTextWithButtons(maxTextWithButtons)
                .mediaSource(mediaSource).richText(richText).templates(templates).edits(edits).typing(typing)
                .readReceipts(readReceipts);
        b.media.addAll(media);
        return b;
    }

    /** The most text one message may carry, counted in {@link #textUnit()}; 0 when the channel sets no limit. */
    public int maxTextLength() {
        return maxTextLength;
    }

    public TextUnit textUnit() {
        return textUnit;
    }

    /**
     * Into how many messages a long text may be split at most; 0 when there is no such limit. A reply that would
     * need more is not sent (it fails permanently, with the reason), rather than reaching the customer cut short.
     */
    public int maxParts() {
        return maxParts;
    }

    /** How many reply options ({@link dev.omnibridge.model.Choices}) one message shows as buttons; 0 for none. */
    public int maxButtons() {
        return maxButtons;
    }

    /** The longest button label, in code points; 0 when the channel sets no limit. */
    public int maxButtonLabelLength() {
        return maxButtonLabelLength;
    }

    /**
     * The most text a message carrying buttons may have (WhatsApp's interactive body: 1,024 characters), in
     * {@link #textUnit()}; 0 when it is {@link #maxTextLength()}.
     */
    public int maxTextWithButtons() {
        return maxTextWithButtons;
    }

    /** The file types the channel sends as files, with their sizes; empty when it sends no files. */
    public List<MediaRule> media() {
        return media;
    }

    public MediaSource mediaSource() {
        return mediaSource;
    }

    public RichText richText() {
        return richText;
    }

    /** Whether the channel sends pre-approved templates (WhatsApp outside its 24-hour window). */
    public boolean templates() {
        return templates;
    }

    /** Whether the channel reports edits of customers' messages. */
    public boolean edits() {
        return edits;
    }

    /** Whether the channel shows the customer that an agent is typing ({@link ChannelConnector#agentTyping}). */
    public boolean typing() {
        return typing;
    }

    /** Whether the channel reports that the customer read a reply. */
    public boolean readReceipts() {
        return readReceipts;
    }

    /**
     * The rule under which the channel sends this file as a file, or null when it cannot: a type it does not take,
     * a file over the type's size, or a location its {@link #mediaSource()} excludes. A file of unknown size
     * ({@code -1}) passes the size check; the connector checks what it reads.
     */
    public MediaRule mediaRuleFor(Attachment a) {
        String scheme = a.location().getScheme() == null ? "" : a.location().getScheme().toLowerCase(Locale.ROOT);
        boolean stored = scheme.equals("attachment");
        // A vendor that fetches the file itself (URL_ONLY: Instagram) needs https.
        boolean url = scheme.equals("https") || (scheme.equals("http") && mediaSource != MediaSource.URL_ONLY);
        boolean reachable = switch (mediaSource) {
            case STORED_OR_URL -> stored || url;
            case STORED_ONLY -> stored;
            case URL_ONLY -> url;
        };
        if (!reachable) {
            return null;
        }
        for (MediaRule rule : media) {
            if (rule.matches(a.mediaType())) {
                return rule.maxBytes() == 0 || a.size() <= rule.maxBytes() ? rule : null;
            }
        }
        return null;
    }

    /** Whether the channel sends this file as a file (see {@link #mediaRuleFor}). */
    public boolean accepts(Attachment a) {
        return mediaRuleFor(a) != null;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ChannelCapabilities c && maxTextLength == c.maxTextLength && textUnit == c.textUnit
                && maxParts == c.maxParts && maxButtons == c.maxButtons
                && maxButtonLabelLength == c.maxButtonLabelLength && maxTextWithButtons == c.maxTextWithButtons
                && media.equals(c.media) && mediaSource == c.mediaSource && richText == c.richText
                && templates == c.templates && edits == c.edits && typing == c.typing
                && readReceipts == c.readReceipts;
    }

    @Override
    public int hashCode() {
        return Objects.hash(maxTextLength, textUnit, maxParts, maxButtons, maxButtonLabelLength, maxTextWithButtons,
                media, mediaSource, richText, templates, edits, typing, readReceipts);
    }

    @Override
    public String toString() {
        return "ChannelCapabilities[text=" + (maxTextLength == 0 ? "unlimited" : maxTextLength + " " + textUnit)
                + ", maxParts=" + maxParts + ", buttons=" + maxButtons + "/" + maxButtonLabelLength
                + ", media=" + media + " " + mediaSource + ", richText=" + richText + ", templates=" + templates
                + ", edits=" + edits + ", typing=" + typing + ", readReceipts=" + readReceipts + "]";
    }

    /** Builds {@link ChannelCapabilities}; everything not set keeps the plain-text default. */
    public static final class Builder {
        private int maxTextLength;
        private TextUnit textUnit = TextUnit.UTF16_UNITS;
        private int maxParts;
        private int maxButtons;
        private int maxButtonLabelLength;
        private int maxTextWithButtons;
        private final List<MediaRule> media = new ArrayList<>();
        private MediaSource mediaSource = MediaSource.STORED_OR_URL;
        private RichText richText = RichText.PLAIN;
        private boolean templates;
        private boolean edits;
        private boolean typing;
        private boolean readReceipts;

        private Builder() {
        }

        /**
         * The most text one message carries, and how it is counted; {@code max} 0 for no limit, otherwise at least 4
         * (the most any one code point counts).
         */
        public Builder text(int max, TextUnit unit) {
            if (max != 0 && max < 4) {
                throw new IllegalArgumentException("a text limit must be 0 (none) or at least 4");
            }
            this.maxTextLength = max;
            this.textUnit = Objects.requireNonNull(unit, "unit");
            return this;
        }

        /** At most this many messages for one long text; 0 for no limit. */
        public Builder maxParts(int max) {
            this.maxParts = nonNegative(max, "maxParts");
            return this;
        }

        /** Up to {@code max} reply options as buttons or quick replies, labels up to {@code maxLabel} code points. */
        public Builder buttons(int max, int maxLabel) {
            this.maxButtons = nonNegative(max, "buttons");
            this.maxButtonLabelLength = nonNegative(maxLabel, "button label length");
            return this;
        }

        /** The most text on a message that carries buttons, in the text unit; 0 when it is the text limit. */
        public Builder maxTextWithButtons(int max) {
            if (max != 0 && max < 4) {
                throw new IllegalArgumentException("a text limit must be 0 (none) or at least 4");
            }
            this.maxTextWithButtons = max;
            return this;
        }

        /** Adds a type of file the channel sends: a media type, {@code image/*} or {@code *}{@code /*}; 0 for no size limit. */
        public Builder media(String pattern, long maxBytes) {
            media.add(new MediaRule(pattern, maxBytes));
            return this;
        }

        public Builder mediaSource(MediaSource source) {
            this.mediaSource = Objects.requireNonNull(source, "source");
            return this;
        }

        public Builder richText(RichText rich) {
            this.richText = Objects.requireNonNull(rich, "rich");
            return this;
        }

        public Builder templates(boolean v) {
            this.templates = v;
            return this;
        }

        public Builder edits(boolean v) {
            this.edits = v;
            return this;
        }

        public Builder typing(boolean v) {
            this.typing = v;
            return this;
        }

        public Builder readReceipts(boolean v) {
            this.readReceipts = v;
            return this;
        }

        public ChannelCapabilities build() {
            return new ChannelCapabilities(this);
        }

        private static int nonNegative(int v, String what) {
            if (v < 0) {
                throw new IllegalArgumentException(what + " must be 0 or more");
            }
            return v;
        }
    }
}

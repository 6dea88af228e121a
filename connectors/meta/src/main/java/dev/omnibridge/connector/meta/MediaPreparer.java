package dev.omnibridge.connector.meta;

import dev.omnibridge.model.Attachment;
import dev.omnibridge.spi.AttachmentStore;
import dev.omnibridge.spi.DeliveryException;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks and loads every attachment of a reply before anything is sent: a type Meta does not accept, a file over
 * Meta's limit or {@code maxMediaBytes}, or (Instagram) a file that is only in the hub's storage fails the whole
 * reply permanently, so the customer never gets half a reply and nothing is uploaded in vain.
 */
final class MediaPreparer {
    private final Product product;
    private final AttachmentStore store;
    private final long maxMediaBytes;

    MediaPreparer(Product product, AttachmentStore store, long maxMediaBytes) {
        this.product = product;
        this.store = store;
        this.maxMediaBytes = maxMediaBytes;
    }

    List<OutboundMedia> prepare(List<Attachment> attachments) throws DeliveryException {
        List<OutboundMedia> out = new ArrayList<>();
        for (Attachment a : attachments) {
            out.add(prepare(a));
        }
        return out;
    }

    private OutboundMedia prepare(Attachment a) throws DeliveryException {
        String type = MediaRules.normalize(a.mediaType());
        MediaRules.Rule rule = MediaRules.rule(product, type).orElseThrow(() -> DeliveryException.permanent(
                "not sent: " + name() + " does not accept " + type + " files (" + a.fileName() + ")"));
        long limit = Math.min(rule.maxBytes(), maxMediaBytes);
        if (a.size() > limit) {
            throw tooLarge(a, rule, limit);
        }
        URI location = a.location();
        if ("https".equalsIgnoreCase(location.getScheme())) {
            // Meta fetches the file itself; only the declared size can be checked here.
            return new OutboundMedia(a, rule.kind(), type, null, location);
        }
        if (!"attachment".equals(location.getScheme())) {
            throw DeliveryException.permanent("not sent: " + a.fileName()
                    + " is neither in the hub's storage nor at an https URL");
        }
        if (product == Product.INSTAGRAM) {
            throw DeliveryException.permanent("not sent: Instagram messaging takes files only by public URL and "
                    + a.fileName() + " is only in the hub's storage");
        }
        byte[] bytes;
        try (InputStream in = store.open(a)) {
            bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit + 1));
        } catch (IOException e) {
            // A storage hiccup may pass; retries are bounded, so a file that is really gone ends on the dead letters.
            throw DeliveryException.retryable("could not read the stored attachment " + a.fileName() + ": "
                    + e.getClass().getSimpleName(), e);
        }
        if (bytes.length > limit) {
            throw tooLarge(a, rule, limit);
        }
        if (bytes.length == 0) {
            throw DeliveryException.permanent("not sent: " + a.fileName() + " is empty");
        }
        return new OutboundMedia(a, rule.kind(), type, bytes, null);
    }

    private DeliveryException tooLarge(Attachment a, MediaRules.Rule rule, long limit) {
        String why = limit < rule.maxBytes() ? "the maxMediaBytes setting (" + limit + " bytes)"
                : name() + "'s limit of " + limit + " bytes for " + rule.kind() + " files";
        return DeliveryException.permanent("not sent: " + a.fileName() + " is larger than " + why);
    }

    private String name() {
        return switch (product) {
            case WHATSAPP -> "WhatsApp";
            case MESSENGER -> "Messenger";
            case INSTAGRAM -> "Instagram";
        };
    }
}

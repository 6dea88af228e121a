package dev.omnibridge.connector.meta;

/** The three Meta messaging products; they share the webhook and Graph API plumbing. */
enum Product {
    WHATSAPP("whatsapp", "whatsapp_business_account", "phoneNumberId"),
    MESSENGER("messenger", "page", "pageId"),
    INSTAGRAM("instagram", "instagram", "igAccountId");

    /** The connector type name. */
    final String type;
    /** The webhook payload's {@code object}. */
    final String object;
    /** The setting naming the sending account. */
    final String accountSetting;

    Product(String type, String object, String accountSetting) {
        this.type = type;
        this.object = object;
        this.accountSetting = accountSetting;
    }
}

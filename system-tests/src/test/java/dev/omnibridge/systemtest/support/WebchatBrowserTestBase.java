package dev.omnibridge.systemtest.support;

import org.junit.jupiter.api.AfterAll;

/**
 * A browser test of the webchat widget: the hub runs the webchat connector, a {@link WebchatSite} (started by the
 * subclass's {@code config()}, since its origin goes into the hub's configuration) embeds the widget, and one headless
 * Chromium drives it for the whole class. Skipped (never passed) where Chromium is not installed.
 */
public abstract class WebchatBrowserTestBase extends ConsoleBrowserTestBase {
    protected WebchatSite site;

    @Override
    protected HubProcess startHub() {
        ConsoleBrowser.assumeInstalled();
        return startHubWith("webchat");
    }

    @AfterAll
    void stopSite() {
        if (site != null) {
            site.close();
        }
    }
}

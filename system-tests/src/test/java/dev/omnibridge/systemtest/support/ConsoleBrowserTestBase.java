package dev.omnibridge.systemtest.support;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInfo;

/**
 * A system test that drives the operator console in one headless Chromium for the whole class, with a screenshot
 * after every test (kept under target/ for when a test fails). Skipped (never passed) where Chromium is not installed.
 */
public abstract class ConsoleBrowserTestBase extends SystemTestBase {
    protected ConsoleBrowser browser;

    /** Skipped before the hub starts when there is no browser to drive. */
    @Override
    protected HubProcess startHub() {
        ConsoleBrowser.assumeInstalled();
        return super.startHub();
    }

    @BeforeAll
    void startBrowser() {
        browser = ConsoleBrowser.start();
    }

    @AfterEach
    void screenshot(TestInfo test) {
        if (browser != null) {
            browser.screenshot(getClass().getSimpleName() + "-" + test.getTestMethod().orElseThrow().getName());
        }
    }

    @AfterAll
    void stopBrowser() {
        if (browser != null) {
            browser.close();
        }
    }
}

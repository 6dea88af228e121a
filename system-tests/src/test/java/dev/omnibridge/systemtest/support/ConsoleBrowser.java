package dev.omnibridge.systemtest.support;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Headless Debian Chromium driven through the system chromedriver (never Selenium Manager downloads), with a fresh
 * profile per browser and screenshots under {@code target/screenshots}.
 */
public final class ConsoleBrowser implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static final Path SCREENSHOTS = Path.of("target", "screenshots");

    private final ChromeDriver driver;
    private final Path profile;

    private ConsoleBrowser(ChromeDriver driver, Path profile) {
        this.driver = driver;
        this.profile = profile;
    }

    public static boolean installed() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /** Skips (never passes) the calling test class when headless Chromium is not installed here. */
    public static void assumeInstalled() {
        org.junit.jupiter.api.Assumptions.assumeTrue(installed(), "skipped: headless Chromium is not installed (needs "
                + CHROMIUM + " and " + CHROMEDRIVER + "; apt-get install chromium chromium-driver, as .ci/run does)");
    }

    public static ConsoleBrowser start() {
        try {
            Path profile = Files.createTempDirectory("omnibridge-chromium-");
            ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile());
            options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                    "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--window-size=1280,900",
                    "--user-data-dir=" + profile);
            ChromeDriverService service = new ChromeDriverService.Builder()
                    .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
            ChromeDriver driver = new ChromeDriver(service, options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20));
            return new ConsoleBrowser(driver, profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Logs into the operator console at {@code hubUrl} through its form, unless the session cookie already did. */
    public void logIn(String hubUrl) {
        open(hubUrl + "/console/");
        until("the login form or the console", d -> d.findElement(By.id("login")).isDisplayed()
                || d.findElement(By.id("app")).isDisplayed() ? Boolean.TRUE : null);
        if (driver().findElement(By.id("login")).isDisplayed()) {
            WebElement token = find(By.id("login-token"));
            token.clear();
            token.sendKeys(HubProcess.ADMIN_TOKEN);
            find(By.id("login-submit")).click();
            find(By.id("app"));
        }
    }

    /**
     * Logs into the console with an account's email and password (issue 22), logging out first whoever is logged
     * in. The admin token ({@link #logIn}) opens the console only while the hub has no account.
     */
    public void logInAs(String hubUrl, String email, String password) {
        open(hubUrl + "/console/");
        until("the login form or the console", d -> d.findElement(By.id("login")).isDisplayed()
                || d.findElement(By.id("app")).isDisplayed() ? Boolean.TRUE : null);
        if (driver().findElement(By.id("app")).isDisplayed()) {
            click(By.id("logout"));
            find(By.id("login"));
        }
        WebElement field = find(By.id("login-email"));
        field.clear();
        field.sendKeys(email);
        find(By.id("login-password")).sendKeys(password);
        find(By.id("login-submit")).click();
        find(By.id("app"));
    }

    /** Finds a conversation through the console's contact search and opens it. */
    public void openConversation(String hubUrl, String search) {
        open(hubUrl + "/console/#conversations");
        find(By.id("search")).sendKeys(search);
        By item = By.cssSelector("#conversation-list li[data-conversation]");
        until("exactly one conversation matches '" + search + "'", d -> {
            List<WebElement> items = d.findElements(item);
            return items.size() == 1 && items.get(0).getText().toLowerCase().contains(search) ? Boolean.TRUE : null;
        });
        click(item);
        find(By.cssSelector("#conversation-detail .timeline"));
    }

    public WebDriver driver() {
        return driver;
    }

    public void open(String url) {
        driver.get(url);
    }

    public WebElement find(By by) {
        return until("element " + by, d -> {
            List<WebElement> found = d.findElements(by);
            return found.isEmpty() || !found.get(0).isDisplayed() ? null : found.get(0);
        });
    }

    /** Clicks the element, finding it again if a refresh redrew it in between. */
    public void click(By by) {
        until("click on " + by, d -> {
            WebElement e = d.findElement(by);
            if (!e.isDisplayed() || !e.isEnabled()) {
                return null;
            }
            e.click();
            return Boolean.TRUE;
        });
    }

    public List<WebElement> findAll(By by) {
        return driver.findElements(by);
    }

    /** Waits (10 s) until {@code condition} gives a non-null, non-false value; the page redraws, so retry stale reads. */
    public <T> T until(String what, Function<WebDriver, T> condition) {
        return new WebDriverWait(driver, Duration.ofSeconds(10)).withMessage(what)
                .ignoring(StaleElementReferenceException.class).ignoring(org.openqa.selenium.NoSuchElementException.class).until(condition::apply);
    }

    /** Waits until the element's text contains {@code text}. */
    public void untilText(By by, String text) {
        until(by + " shows '" + text + "'", d -> d.findElements(by).stream()
                .anyMatch(e -> e.getText().contains(text)) ? Boolean.TRUE : null);
    }

    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver).executeScript(js, args);
    }

    /** Saves a PNG of the page as {@code target/screenshots/<name>.png}, a build artifact. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            File shot = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE);
            Path target = SCREENSHOTS.resolve(name + ".png");
            Files.copy(shot.toPath(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        driver.quit();
        try (Stream<Path> files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a leftover temp profile is harmless
        }
    }
}

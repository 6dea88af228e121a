package dev.omnibridge.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class FileNamesTest {

    @Test
    void ordinaryNamesPassThroughUnchanged() {
        assertThat(FileNames.sanitize("Rechnung März 2025.pdf", "application/pdf"))
                .isEqualTo("Rechnung März 2025.pdf");
        assertThat(FileNames.sanitize("写真 🎉.jpg", null)).isEqualTo("写真 🎉.jpg");
        assertThat(FileNames.sanitize("report.v2.final.docx", null)).isEqualTo("report.v2.final.docx");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../../etc/passwd|passwd",
            "..\\..\\windows\\system32\\drivers\\etc\\hosts|hosts",
            "C:\\x\\y.txt|y.txt",
            "C:y.txt|y.txt",
            "/var/tmp/report.pdf|report.pdf",
            "\\\\server\\share\\a.doc|a.doc",
            "dir/sub\\mixed/name.png|name.png"})
    void pathsAreStrippedForBothSeparatorsAndDriveLetters(String in, String expected) {
        assertThat(FileNames.sanitize(in, null)).isEqualTo(expected);
    }

    @Test
    void rightToLeftOverrideCannotDisguiseAnExecutable() {
        String sanitized = FileNames.sanitize("invoice\u202Efdp.exe", "application/pdf");

        assertThat(sanitized).isEqualTo("invoicefdp.exe").endsWith(".exe");
    }

    @Test
    void invisibleAndBidiFormatCharactersAreRemoved() {
        String hostile = "a\u200Bb\u200Cc\u200Dd\u200Ee\u200Ff\u202Ag\u202Bh\u202Ci\u202Dj\u2066k\u2067l\u2068m\u2069n"
                + "\u061Co\uFEFFp.txt";

        assertThat(FileNames.sanitize(hostile, null)).isEqualTo("abcdefghijklmnop.txt");
    }

    @Test
    void controlCharactersFromC0C1AndDelAreRemoved() {
        assertThat(FileNames.sanitize("a\u0000b\u0007c\nd\re\tf\u007Fg\u0085h\u009Fi.txt", null))
                .isEqualTo("abcdefghi.txt");
    }

    @Test
    void charactersIllegalOnWindowsBecomeUnderscores() {
        assertThat(FileNames.sanitize("what? <really> \"yes\"|no*.txt", null))
                .isEqualTo("what_ _really_ _yes__no_.txt");
        assertThat(FileNames.sanitize("10:30 meeting.ics", null)).isEqualTo("10_30 meeting.ics");
    }

    @Test
    void leadingDotsAndSpacesAndTrailingDotsAndSpacesAreTrimmed() {
        assertThat(FileNames.sanitize("  ..hidden.txt", null)).isEqualTo("hidden.txt");
        assertThat(FileNames.sanitize("notes.txt. . ", null)).isEqualTo("notes.txt");
        assertThat(FileNames.sanitize(".bashrc", null)).isEqualTo("bashrc");
    }

    @Test
    void runsOfWhitespaceCollapseToOneSpace() {
        assertThat(FileNames.sanitize("a\u00A0\u00A0b   c\u3000d.txt", null)).isEqualTo("a b c d.txt");
    }

    @ParameterizedTest
    @ValueSource(strings = {"CON", "con", "PRN.txt", "aux.tar.gz", "NUL", "COM1", "com9.log", "LPT1", "lpt9.pdf"})
    void windowsReservedNamesGetAnUnderscorePrefix(String reserved) {
        assertThat(FileNames.sanitize(reserved, null)).isEqualTo("_" + reserved);
    }

    @ParameterizedTest
    @ValueSource(strings = {"CONSOLE.txt", "COM10", "LPT0.txt", "icon.png", "nullable.txt"})
    void namesMerelyContainingReservedWordsAreLeftAlone(String name) {
        assertThat(FileNames.sanitize(name, null)).isEqualTo(name);
    }

    @Test
    void longNamesAreCappedAndKeepTheirExtension() {
        String sanitized = FileNames.sanitize("x".repeat(500) + ".pdf", "application/pdf");

        assertThat(sanitized).hasSize(FileNames.MAX_LENGTH).endsWith("x.pdf").startsWith("xxxx");
    }

    @Test
    void cappingNeverSplitsASurrogatePair() {
        String sanitized = FileNames.sanitize("😀".repeat(300) + ".png", null);

        assertThat(sanitized.codePointCount(0, sanitized.length())).isEqualTo(FileNames.MAX_LENGTH);
        assertThat(sanitized).endsWith("😀.png");
        byte[] utf8 = sanitized.getBytes(StandardCharsets.UTF_8);
        assertThat(new String(utf8, StandardCharsets.UTF_8)).isEqualTo(sanitized);
        assertThat(sanitized.chars().filter(c -> c == '?' || c == 0xFFFD)).isEmpty();
    }

    @Test
    void anAbsurdlyLongExtensionIsNotTreatedAsAnExtension() {
        String sanitized = FileNames.sanitize("a." + "b".repeat(400), null);

        assertThat(sanitized).hasSize(FileNames.MAX_LENGTH).startsWith("a.bbb");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', nullValues = "NULL", value = {
            "NULL|image/png|attachment.png",
            "''|application/pdf|attachment.pdf",
            "../..|image/jpeg|attachment.jpg",
            "\u202E\u200B|text/plain; charset=utf-8|attachment.txt",
            "   |IMAGE/PNG|attachment.png",
            "NULL|application/x-unknown|attachment",
            "NULL|NULL|attachment",
            "/|message/rfc822|attachment.eml"})
    void emptyResultFallsBackToAttachmentWithAnExtensionFromTheMediaType(String in, String type, String expected) {
        assertThat(FileNames.sanitize(in, type)).isEqualTo(expected);
    }

    @Test
    void sanitizingIsIdempotent() {
        String once = FileNames.sanitize("..\\evil\u202Egpj.exe  ", null);

        assertThat(FileNames.sanitize(once, null)).isEqualTo(once);
    }
}
